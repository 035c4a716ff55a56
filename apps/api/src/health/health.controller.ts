import { Controller, Inject } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract, type Health } from '@keyledger/contract';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AuditSealer } from '../audit/audit-sealer';
import { AuditStore } from '../audit/audit.store';
import { REDIS } from '../redis/redis.module';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}

@Controller()
export class HealthController {
  constructor(
    private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly sealer: AuditSealer,
  ) {}

  @TsRestHandler(contract.health.check)
  check() {
    return tsRestHandler(contract.health.check, async () => {
      const [db, redis] = await Promise.all([
        withTimeout(this.db.query('SELECT 1'), 2000).then(() => 'up' as const, () => 'down' as const),
        withTimeout(this.redis.ping(), 2000).then(() => 'up' as const, () => 'down' as const),
      ]);
      const sealing =
        db === 'up'
          ? await withTimeout(new AuditStore((sql, params) => this.db.query(sql, params)).pendingStats(), 2000).then(
              (s) => ({
                entries: s.count,
                oldestSeconds: s.oldest ? Math.max(0, (Date.now() - s.oldest.getTime()) / 1000) : null,
                failingAccounts: this.sealer.failingAccounts,
              }),
              () => undefined,
            )
          : undefined;
      const body: Health = { status: db === 'up' && redis === 'up' ? 'ok' : 'degraded', db, redis, ...(sealing ? { sealing } : {}) };
      return body.status === 'ok' ? { status: 200 as const, body } : { status: 503 as const, body };
    });
  }
}
