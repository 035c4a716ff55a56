import { Alert, Loader } from '@mantine/core';
import { apiErrorMessage } from '../../../api/errors';
import { useAuditExport } from '../hooks/useAuditExports';
import { ExportStatus } from './ExportStatus';

/** Follows one export by polling its status route. */
export function ExportProgress({ id }: { id: string }) {
  const query = useAuditExport(id);
  if (query.isPending) return <Loader size="sm" aria-label="Loading export status" />;
  if (query.isError)
    return (
      <Alert color="red" title="The export status could not be loaded">
        {apiErrorMessage(query.error)}
      </Alert>
    );
  return <ExportStatus exp={query.data.body} />;
}
