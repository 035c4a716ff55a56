// Exits 0 when PostgreSQL and Redis answer at DATABASE_URL / REDIS_URL (or the defaults); prints which do not.
// Usage: node scripts/check-services.cjs [postgres|redis]...
const net = require('node:net');

const targets = {
  postgres: new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/keyledger'),
  redis: new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379'),
};
const defaults = { postgres: 5432, redis: 6379 };

function answers(name) {
  const url = targets[name];
  const port = Number(url.port || defaults[name]);
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port, timeout: 1500 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.on('connect', () => {
      if (name === 'redis') {
        socket.write('PING\r\n');
        socket.once('data', (d) => done(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')));
      } else {
        // An SSLRequest: PostgreSQL answers with a single byte, S or N.
        socket.write(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]));
        socket.once('data', (d) => done(d.length >= 1 && (d[0] === 0x53 || d[0] === 0x4e)));
      }
    });
    socket.on('timeout', () => done(false));
    socket.on('error', () => done(false));
  });
}

(async () => {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : ['postgres', 'redis'];
  const down = [];
  for (const name of names) if (!(await answers(name))) down.push(name);
  if (down.length) {
    console.log(down.join(' '));
    process.exit(1);
  }
})();
