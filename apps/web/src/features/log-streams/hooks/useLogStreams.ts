import { useQueryClient } from '@tanstack/react-query';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';

export const logStreamKeys = {
  all: ['log-streams'] as const,
  health: (id: string) => ['log-streams', id, 'health'] as const,
};

/** The account's log streams, newest first. */
export function useLogStreams() {
  const list = useKeysetList(logStreamKeys.all, (cursor) =>
    tsr.logStreams.list.query({ query: { cursor, limit: 100 } }),
  );
  return { ...list, streams: list.items };
}

/** Delivered-through seq, lag, last error and the last attempts; refreshed every 5 s while shown. */
export function useLogStreamHealth(id: string, enabled = true) {
  return tsr.logStreams.health.useQuery({
    queryKey: logStreamKeys.health(id),
    queryData: { params: { id } },
    enabled,
    refetchInterval: 5000,
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: logStreamKeys.all });
}

export function useCreateLogStream() {
  const invalidate = useInvalidate();
  return tsr.logStreams.create.useMutation({ onSuccess: invalidate });
}

export function useUpdateLogStream() {
  const invalidate = useInvalidate();
  return tsr.logStreams.update.useMutation({ onSuccess: invalidate });
}

export function useBackfillLogStream() {
  const invalidate = useInvalidate();
  return tsr.logStreams.backfill.useMutation({ onSuccess: invalidate });
}

export function usePauseLogStream() {
  const invalidate = useInvalidate();
  return tsr.logStreams.pause.useMutation({
    onSuccess: async () => {
      await invalidate();
      notifySuccess('Log stream paused');
    },
    onError: (error) => notifyError('Could not pause the log stream', error),
  });
}

export function useResumeLogStream() {
  const invalidate = useInvalidate();
  return tsr.logStreams.resume.useMutation({
    onSuccess: async () => {
      await invalidate();
      notifySuccess('Log stream resumed');
    },
    onError: (error) => notifyError('Could not resume the log stream', error),
  });
}

export function useDeleteLogStream() {
  const invalidate = useInvalidate();
  return tsr.logStreams.remove.useMutation({
    onSuccess: async () => {
      await invalidate();
      notifySuccess('Log stream deleted');
    },
    onError: (error) => notifyError('Could not delete the log stream', error),
  });
}

export function useTestLogStream() {
  return tsr.logStreams.testEvent.useMutation({
    onSuccess: (res) => {
      if (res.body.ok) notifySuccess(`Test event delivered (HTTP ${res.body.statusCode})`);
      else
        notifyError(
          'The destination refused the test event',
          new Error(res.body.error ?? 'failed'),
        );
    },
    onError: (error) => notifyError('Could not send the test event', error),
  });
}
