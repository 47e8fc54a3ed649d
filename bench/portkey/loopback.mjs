// Starts the stock @portkey-ai/gateway bound to 127.0.0.1. Its start-server.js calls
// serve({ fetch, port }) without a hostname (so Node listens on every interface) and has no option
// for one; this wrapper makes the listen call use loopback, then loads the gateway unchanged.
// Usage: node loopback.mjs --port=8787 --headless
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    const rest = typeof args[1] === 'string' || args[1] === undefined ? args.slice(2) : args.slice(1);
    return listen.call(this, Number(args[0]), '127.0.0.1', ...rest);
  }
  return listen.apply(this, args);
};

await import('@portkey-ai/gateway/build/start-server.js');
