/**
 * Preloaded (`node --require`) into a tool a test runs, to prove it works offline: every attempt to
 * open a connection to anything but this machine, or to resolve a name, is refused and reported on
 * stderr with the marker NO-NETWORK, which the test looks for.
 */
const net = require('node:net');
const dns = require('node:dns');

const LOCAL = /^(127\.|::1$|localhost$)/;
const report = (what) => process.stderr.write(`NO-NETWORK: ${what}\n`);

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts = typeof args[0] === 'object' && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  const host = opts && (opts.host ?? (opts.path ? 'localhost' : undefined));
  if (host !== undefined && !LOCAL.test(String(host))) {
    report(`connect to ${host}:${opts.port}`);
    throw new Error(`network access refused (${host})`);
  }
  return connect.apply(this, args);
};
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  const original = dns[name];
  dns[name] = function (host, ...rest) {
    if (!LOCAL.test(String(host))) {
      report(`dns ${name} ${host}`);
      const cb = rest.find((a) => typeof a === 'function');
      const err = Object.assign(new Error(`network access refused (${host})`), { code: 'ENOTFOUND' });
      if (cb) return process.nextTick(() => cb(err));
      throw err;
    }
    return original.call(this, host, ...rest);
  };
}
if (typeof globalThis.fetch === 'function') {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (!LOCAL.test(url.hostname)) {
      report(`fetch ${url.origin}`);
      return Promise.reject(new Error(`network access refused (${url.hostname})`));
    }
    return original(input, init);
  };
}
