import { parseRouterSearch, stringifyRouterSearch } from '../../../app/searchSerialization';
import { type AuditLogSearch, parseAuditLogSearch } from './auditLogSearch';
import { droppedParams } from './droppedParams';
import { applyQuery, applyToken, searchChips, searchToQuery } from './filterModel';

const throughUrl = (search: AuditLogSearch) =>
  parseAuditLogSearch(parseRouterSearch(stringifyRouterSearch(search)));

const LICENSE = '0b6a4a39-6a52-4c1e-9d7b-6a2f3b0d9e11';

describe('the filter model', () => {
  it('places each typed token in its field and keeps the rest as search text', () => {
    const { search, bad } = applyQuery(
      {},
      `action:license_disabled actor:Ann@Acme.test item:license:${LICENSE} created:>=2026-01-01 created:<2026-02-01 "refund due"`,
    );
    expect(bad).toEqual([]);
    expect(search).toEqual({
      action: ['license_disabled'],
      actor: 'ann@acme.test',
      itemType: 'license',
      itemId: LICENSE,
      range: 'custom',
      from: '2026-01-01',
      to: '2026-01-31',
      q: '"refund due"',
    });
  });

  it('round-trips through the URL and back into the bar (URL → chips → tokens → URL)', () => {
    const { search } = applyQuery(
      {},
      `group:devices actor:ann@acme.test item:order created:2026-03-04 refund`,
    );
    const reloaded = throughUrl(search);
    expect(reloaded).toEqual(search);
    // Typing out what the chips say gives the same search again.
    expect(applyQuery({}, searchToQuery(reloaded)).search).toEqual(reloaded);
    expect(searchChips(reloaded).map((c) => c.label)).toEqual([
      'Group: Devices',
      'By: ann@acme.test',
      'Item: Order',
      'Created: 2026-03-04',
      'Text: refund',
    ]);
  });

  it('reads several actions and groups as any of them, like the dropdown', () => {
    const r = applyToken({ action: ['product_created'] }, 'action:license_dis*');
    expect(r.ok && r.search.action).toEqual(['product_created', 'license_disabled']);
  });

  it('keeps exact instants and actor ids in the search text, which the API resolves', () => {
    const r = applyQuery({}, `created:>=2026-01-01T10:00:00Z actor:${LICENSE}`);
    expect(r.bad).toEqual([]);
    expect(r.search).toEqual({ q: `created:>=2026-01-01T10:00:00Z actor:${LICENSE}` });
  });

  it('says what is wrong with a bad token in words, and applies the good ones', () => {
    const r = applyQuery({}, 'spaceship:yes item:spaceship created:2026-02-30 refund');
    expect(r.search).toEqual({ q: 'refund' });
    expect(r.bad.map((b) => b.token)).toEqual([
      'spaceship:yes',
      'item:spaceship',
      'created:2026-02-30',
    ]);
    expect(r.bad[0]!.message).toMatch(/unknown search key "spaceship"/);
    expect(r.bad[2]!.message).toMatch(/"2026-02-30" is not a date/);
  });

  it('turns a name into the one person it matches, and asks when it matches several or none', () => {
    const people = [
      { name: 'Cleo Park', email: 'cleo@acme.test' },
      { name: 'Cleon Ray', email: 'cleon@acme.test' },
    ];
    expect(applyToken({}, 'actor:park', people)).toEqual({
      ok: true,
      search: { actor: 'cleo@acme.test' },
    });
    const many = applyToken({}, 'actor:cleo', people);
    expect(!many.ok && many.message).toMatch(/2 people match "cleo"/);
    const none = applyToken({}, 'actor:zed', people);
    expect(!none.ok && none.message).toMatch(/no one known as "zed"/);
  });

  it('drops what an old link holds that no longer parses, and names it', () => {
    const raw = {
      actor: 'not-an-email',
      itemType: 'spaceship',
      action: 'license_created,not_an_action',
      q: 'refund item:spaceship',
      legacy: '1',
    };
    const clean = parseAuditLogSearch(raw);
    expect(clean).toEqual({ action: ['license_created'], q: 'refund' });
    expect(droppedParams(raw, clean)).toEqual([
      'actor=not-an-email',
      'itemType=spaceship',
      'action=not_an_action',
      'search "item:spaceship"',
      'legacy=1',
    ]);
    expect(droppedParams({ action: 'license_created', q: 'refund' }, clean)).toEqual([]);
  });
});
