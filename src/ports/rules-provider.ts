import type { RuleSet } from '../rules';

/** The rules in force; hot reload swaps what current() returns, so use cases read it per call, never cache it. */
export interface RulesProvider {
  current(): RuleSet;
}
