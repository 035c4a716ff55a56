import { Combobox, Group, Pill, PillsInput, Text, useCombobox } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { itemTypeInfo } from '../../../app/itemTypes';
import { usePermissions } from '../../auth/hooks/usePermissions';
import { type Suggestion, useFilterSuggestions } from '../hooks/useFilterSuggestions';
import { type AuditLogSearch, normalizeAuditLogSearch } from '../utils/auditLogSearch';
import { applyQuery, type FilterChip, type KnownPerson, searchChips } from '../utils/filterModel';
import classes from './QueryBar.module.css';
import { SearchHelp } from './SearchHelp';

export interface BadToken {
  token: string;
  message: string;
}

/** An item chip names its item: fetched through the registry when the viewer may read it. */
function ChipLabel({ chip }: { chip: FilterChip }) {
  const { can } = usePermissions();
  const info = chip.item ? itemTypeInfo(chip.item.type) : null;
  const enabled = Boolean(
    chip.item && info?.fetch && (!info.readPermission || can(info.readPermission)),
  );
  const name = useQuery({
    queryKey: ['item-label', chip.item?.type, chip.item?.id],
    queryFn: ({ signal }) => info!.fetch!(chip.item!.id, signal),
    enabled,
    staleTime: 5 * 60_000,
  });
  if (chip.item && info && name.data) return <>{`${info.label}: ${name.data.label}`}</>;
  return <>{chip.label}</>;
}

interface QueryBarProps {
  search: AuditLogSearch;
  onChange: (next: AuditLogSearch) => void;
  people: readonly KnownPerson[];
}

/**
 * The query bar: every condition as a chip (the dropdowns' choices too), a box to type more in the
 * search syntax with suggestions, and the bad tokens kept in view, underlined, with why in words.
 * Nothing invalid reaches the URL or the API.
 */
export function QueryBar({ search, onChange, people }: QueryBarProps) {
  const [draft, setDraft] = useState('');
  const [bad, setBad] = useState<BadToken[]>([]);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const suggestions = useFilterSuggestions(draft, people);
  const chips = searchChips(search);

  // The literal text first when it is a valid condition, so Enter takes what was typed.
  const literal = draft.trim();
  const literalOk = literal !== '' && applyQuery(search, literal, people).bad.length === 0;
  const options: Suggestion[] = literalOk
    ? [
        { value: `tok:${literal}`, group: 'Search', label: literal, hint: 'as typed' },
        ...suggestions,
      ]
    : suggestions;

  // Enter takes the literal text when it is valid; for a name after actor: or item:, the first match.
  // Otherwise nothing is preselected, so Enter shows what is wrong with the text rather than
  // silently picking something else.
  const preselect =
    literalOk ||
    (/^(actor|item):/i.test(literal) &&
      options.some(
        (o) => o.group === 'People' || (o.group === 'Items' && o.value.split(':').length > 3),
      ));
  useEffect(() => {
    if (preselect) combobox.selectFirstOption();
    else combobox.resetSelectedOption();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft, options.length, preselect]);

  const commit = (text: string) => {
    const r = applyQuery(search, text, people);
    setBad(r.bad);
    setDraft('');
    if (JSON.stringify(r.search) !== JSON.stringify(search))
      onChange(normalizeAuditLogSearch(r.search));
  };

  const choose = (value: string) => {
    if (value.startsWith('set:')) {
      setDraft(value.slice(4));
      return;
    }
    if (value.startsWith('range:')) {
      const range = value.slice(6) as 'today' | '7d' | '30d';
      setDraft('');
      setBad([]);
      onChange(normalizeAuditLogSearch({ ...search, range, from: undefined, to: undefined }));
      return;
    }
    commit(value.slice(4));
    combobox.closeDropdown();
  };

  const groups = [...new Set(options.map((o) => o.group))];
  const errorText = bad.map((b) => b.message).join(' ');

  return (
    <Combobox store={combobox} onOptionSubmit={choose} withinPortal>
      <Combobox.DropdownTarget>
        <PillsInput
          label="Filter"
          description="Type a condition and press Enter: actions, groups, people, items, dates or any text"
          onClick={() => combobox.openDropdown()}
          rightSection={<SearchHelp />}
          error={errorText || undefined}
          className={classes.bar}
          styles={{ input: { cursor: 'text' } }}
        >
          <Pill.Group role="list" aria-label="Active filters">
            {chips.map((chip) => (
              <Pill
                key={chip.key}
                role="listitem"
                withRemoveButton
                removeButtonProps={{
                  'aria-label': `Remove ${chip.label}`,
                  'aria-hidden': false,
                  tabIndex: 0,
                }}
                onRemove={() => onChange(normalizeAuditLogSearch(chip.remove(search)))}
                title={chip.token ?? chip.label}
                data-kind={chip.kind}
                className={classes.chip}
              >
                <ChipLabel chip={chip} />
              </Pill>
            ))}
            {bad.map((b) => (
              <Pill
                key={`bad:${b.token}`}
                role="listitem"
                withRemoveButton
                removeButtonProps={{
                  'aria-label': `Remove ${b.token}`,
                  'aria-hidden': false,
                  tabIndex: 0,
                }}
                onRemove={() => setBad((list) => list.filter((x) => x !== b))}
                onClick={() => {
                  setBad((list) => list.filter((x) => x !== b));
                  setDraft(b.token);
                }}
                title={b.message}
                className={classes.bad}
                data-invalid=""
                aria-invalid
              >
                {b.token}
              </Pill>
            ))}
            <Combobox.EventsTarget>
              <PillsInput.Field
                value={draft}
                aria-label="Filter the audit log"
                aria-invalid={bad.length > 0}
                placeholder={
                  chips.length || bad.length
                    ? 'Add a condition…'
                    : 'action:license_* actor:ann@acme.test refund'
                }
                spellCheck={false}
                autoComplete="off"
                onFocus={() => combobox.openDropdown()}
                onBlur={() => combobox.closeDropdown()}
                onChange={(e) => {
                  setDraft(e.currentTarget.value);
                  combobox.openDropdown();
                }}
                onPaste={(e) => {
                  const text = e.clipboardData.getData('text');
                  if (/\s/.test(text.trim())) {
                    // A whole search pasted: apply it at once.
                    e.preventDefault();
                    commit(`${draft} ${text}`);
                  }
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    if (combobox.dropdownOpened && combobox.getSelectedOptionIndex() >= 0) return;
                    e.preventDefault();
                    if (draft.trim()) commit(draft);
                  } else if (e.key === 'Backspace' && draft === '') {
                    e.preventDefault();
                    if (bad.length) setBad((list) => list.slice(0, -1));
                    else {
                      const last = chips[chips.length - 1];
                      if (last) onChange(normalizeAuditLogSearch(last.remove(search)));
                    }
                  } else if (e.key === 'Escape') {
                    combobox.closeDropdown();
                  }
                }}
              />
            </Combobox.EventsTarget>
          </Pill.Group>
        </PillsInput>
      </Combobox.DropdownTarget>
      <Combobox.Dropdown hidden={options.length === 0}>
        <Combobox.Options mah={360} style={{ overflowY: 'auto' }}>
          {groups.map((g) => (
            <Combobox.Group label={g} key={g}>
              {options
                .filter((o) => o.group === g)
                .map((o) => (
                  <Combobox.Option value={o.value} key={o.value}>
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Text size="sm" truncate="end">
                        {o.group === 'Search' ? `Search for ${o.label}` : o.label}
                      </Text>
                      {o.hint && (
                        <Text size="xs" c="dimmed" truncate="end">
                          {o.hint}
                        </Text>
                      )}
                    </Group>
                  </Combobox.Option>
                ))}
            </Combobox.Group>
          ))}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
