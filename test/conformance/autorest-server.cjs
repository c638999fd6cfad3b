// Starts the AutoRest test server (the server every Azure SDK generator is tested against) on
// 127.0.0.1 only and on a free port: its own CLI listens on every interface, so `listen` is held to
// loopback here. Prints "Started server on port N" like the CLI.
//   node test/conformance/autorest-server.cjs <coverage directory>
const http = require('node:http');

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function listenOnLoopback(...args) {
  const callback = args.find((arg) => typeof arg === 'function');
  return listen.call(this, 0, '127.0.0.1', callback);
};

process.argv = [
  process.argv[0],
  'autorest-testserver',
  'run',
  '--port',
  '0',
  '--coverageDirectory',
  process.argv[2] ?? require('node:os').tmpdir(),
];
require('@microsoft.azure/autorest.testserver/dist/cli/cli.js');
