import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type AuditEntry, auditActionLabel } from '@keyledger/contract';
import { entryHash } from '@keyledger/verify';

/** COPY text-format field. */
const esc = (v: string | null): string =>
  v === null
    ? '\\N'
    : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

function uuidv7(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Appends `count` entries to an account's log in one transaction, the way the bench seeds (COPY) but
 * as the write path would leave them: the account's head row taken FOR UPDATE first (so the API's
 * writers wait, as they wait on each other), gap-free seq after the head, each entry hashed onto the
 * one before with @keyledger/verify's entryHash, its link rows, and the head moved to the last one.
 * For tests that need many entries fast (100,000 in seconds instead of minutes through HTTP).
 * Returns the seq range written.
 */
export async function appendEntries(
  db: Client,
  accountId: string,
  count: number,
): Promise<{ first: number; last: number }> {
  await db.query('BEGIN');
  try {
    const head = await db.query<{
      last_seq: string;
      last_hash: string;
      last_occurred_at: Date | null;
    }>(
      'SELECT last_seq, last_hash, last_occurred_at FROM audit_heads WHERE account_id = $1 FOR UPDATE',
      [accountId],
    );
    const row = head.rows[0];
    if (!row) throw new Error(`account ${accountId} has no audit head`);
    const first = Number(row.last_seq) + 1;
    let prev = row.last_hash;
    const at = new Date(Math.max(Date.now(), row.last_occurred_at?.getTime() ?? 0)).toISOString();
    const license = {
      type: 'license' as const,
      id: randomUUID(),
      label: 'BULK1-ENTRY-LICEN-SEKEY',
    };
    const order = { type: 'order' as const, id: randomUUID(), label: 'ORD-BULK' };
    const entries = db.query(
      copyFrom(`COPY audit_entries (account_id, seq, id, occurred_at, action, actor_type, actor_id, actor_name, actor_email, target_type, target_id,
        target_label, links, changes, request_id, ip, user_agent, source, search_text, prev_hash, hash) FROM STDIN`),
    );
    const done = new Promise<void>((resolve, reject) => {
      entries.on('finish', resolve);
      entries.on('error', reject);
    });
    let buf = '';
    const linkRows: string[] = [];
    for (let i = 0; i < count; i++) {
      const seq = first + i;
      const e: Omit<AuditEntry, 'hash' | 'prevHash' | 'seq'> & { seq: number } = {
        id: uuidv7(Date.parse(at)),
        seq,
        accountId,
        occurredAt: at,
        action: 'license_updated',
        actor: { type: 'api_key', id: null, name: 'Bulk loader', email: null },
        target: license,
        links: [license, order],
        changes: [{ field: 'maxActivations', before: seq, after: seq + 1 }],
        context: {
          requestId: `bulk-${seq}`,
          ip: '203.0.113.7',
          userAgent: 'bulk-entries',
          source: 'api',
        },
      };
      const hash = entryHash(e, prev);
      const text =
        `${auditActionLabel(e.action)} bulk loader ${license.label} ${order.label} ${seq} ${seq + 1}`.toLowerCase();
      buf +=
        [
          accountId,
          String(seq),
          e.id,
          at,
          e.action,
          e.actor.type,
          '\\N',
          e.actor.name,
          '\\N',
          license.type,
          license.id,
          license.label,
          esc(JSON.stringify(e.links)),
          esc(JSON.stringify(e.changes)),
          e.context.requestId!,
          e.context.ip!,
          e.context.userAgent!,
          'api',
          esc(text),
          prev,
          hash,
        ].join('\t') + '\n';
      linkRows.push(
        `${accountId}\tlicense\t${license.id}\t${seq}\tt\n${accountId}\torder\t${order.id}\t${seq}\tf\n`,
      );
      prev = hash;
      if (buf.length > 256 * 1024) {
        if (!entries.write(buf)) await once(entries, 'drain');
        buf = '';
      }
    }
    entries.end(buf);
    await done;
    const links = db.query(
      copyFrom(
        'COPY audit_entry_links (account_id, item_type, item_id, seq, is_target) FROM STDIN',
      ),
    );
    const linksDone = new Promise<void>((resolve, reject) => {
      links.on('finish', resolve);
      links.on('error', reject);
    });
    links.end(linkRows.join(''));
    await linksDone;
    const last = first + count - 1;
    await db.query(
      'UPDATE audit_heads SET last_seq = $2, last_hash = $3, last_occurred_at = GREATEST(last_occurred_at, $4::timestamptz) WHERE account_id = $1',
      [accountId, last, prev, at],
    );
    await db.query('COMMIT');
    return { first, last };
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
}
