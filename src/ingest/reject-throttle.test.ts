import { createRejectionThrottle } from './reject-throttle';

describe('createRejectionThrottle', () => {
  it('admits one per key per window and reports how many it suppressed', () => {
    let t = 0;
    const throttle = createRejectionThrottle(60_000, () => t);
    expect(throttle.admit('10.0.0.1 bad_credentials')).toEqual({ suppressed: 0 });
    expect(throttle.admit('10.0.0.1 bad_credentials')).toBeNull();
    expect(throttle.admit('10.0.0.1 bad_credentials')).toBeNull();
    expect(throttle.admit('10.0.0.2 bad_credentials')).toEqual({ suppressed: 0 });
    t = 60_000;
    expect(throttle.admit('10.0.0.1 bad_credentials')).toEqual({ suppressed: 2 });
  });
});
