// commander requires node:child_process when it loads, for executable subcommands dispatch never
// has; loading it costs every command a few milliseconds. This stand-in loads it on first use.
module.exports = new Proxy({}, { get: (_target, key) => require('node:child_process')[key] });
