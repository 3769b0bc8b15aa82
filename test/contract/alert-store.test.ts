import { openPglite, requirePostgres, testPostgres } from '../helpers/services';
import { alertStoreContract } from './alert-store.contract';
import { alertStoreOutboxContract } from './alert-store-outbox.contract';

alertStoreContract('PGlite', () => openPglite());
alertStoreOutboxContract('PGlite', () => openPglite());

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  afterAll(() => pg.drop());
  // a pool larger than one, so concurrent calls really run on separate connections
  alertStoreContract('PostgreSQL', () => pg.open({ max: 10 }));
  alertStoreOutboxContract('PostgreSQL', () => pg.open({ max: 10 }));
});
