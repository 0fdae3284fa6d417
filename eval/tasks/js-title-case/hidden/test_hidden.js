const assert = require("node:assert/strict");
const { titleCase } = require("./title.js");

assert.equal(titleCase("hello big world"), "Hello Big World");
assert.equal(titleCase("mISSION cONTROL"), "Mission Control");
assert.equal(titleCase("one"), "One");
