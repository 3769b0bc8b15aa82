import { openPglite, requirePostgres, testPostgres } from '../helpers/services';
import { auditLogContract } from './audit-log.contract';

auditLogContract('PGlite', () => openPglite());

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  afterAll(() => pg.drop());
  auditLogContract('PostgreSQL', () => pg.open());
});
