'use strict';

// the server's phase marks and the bench's own timestamps must come from one clock
module.exports = { realtimeClock: require('../../dist/lib/trace/phase-trace').realtimeClock };
