import { openPglite, requirePostgres, testPostgres } from '../helpers/services';
import { oncallStoresContract } from './oncall-stores.contract';

oncallStoresContract('PGlite', () => openPglite());

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  afterAll(() => pg.drop());
  // a pool larger than one, so concurrent claims really run on separate connections
  oncallStoresContract('PostgreSQL', () => pg.open({ max: 10 }));
});
