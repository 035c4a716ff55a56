export { integrityKeys, useIntegrityStatus as useIntegrity } from '../../audit-integrity/hooks/useIntegrityStatus';
