import { openPglite, requirePostgres, testPostgres } from '../helpers/services';
import { digestStoreContract } from './digest-store.contract';

digestStoreContract('PGlite', () => openPglite());

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  afterAll(() => pg.drop());
  // a pool larger than one, so concurrent claims really run on separate connections
  digestStoreContract('PostgreSQL', () => pg.open({ max: 10 }));
});
