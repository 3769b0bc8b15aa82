import { createMemoryEscalationStore } from '../fakes/memory-escalations';
import { createMemoryLeases } from '../fakes/memory-leases';
import { escalationStoreContract } from './escalation-store.contract';
import { leasesContract } from './leases.contract';

// The in-memory doubles unit tests use pass the same contract suites as the SQL adapters.
leasesContract('in-memory fake', async (clock) => createMemoryLeases(clock));
escalationStoreContract('in-memory fake', async () => createMemoryEscalationStore());
