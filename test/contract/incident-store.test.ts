import { openPglite, requirePostgres, testPostgres } from '../helpers/services';
import { incidentStoreContract } from './incident-store.contract';

incidentStoreContract('PGlite', () => openPglite());

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  afterAll(() => pg.drop());
  // a pool larger than one, so concurrent declarations really run on separate connections
  incidentStoreContract('PostgreSQL', () => pg.open({ max: 10 }));
});
