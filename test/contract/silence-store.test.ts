import { openPglite, requirePostgres, testPostgres } from '../helpers/services';
import { silenceStoreContract } from './silence-store.contract';

silenceStoreContract('PGlite', () => openPglite());

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  afterAll(() => pg.drop());
  silenceStoreContract('PostgreSQL', () => pg.open({ max: 10 }));
});
