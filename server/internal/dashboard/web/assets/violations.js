// violationsOf reads the contract violations of a journal entry, when the
// stub reports any: a `violations` array whose items name where the
// contract broke (a JSON path) and the rule broken. Its items are read
// leniently, under the names a violation is likely to use, so that what is
// there shows even if the fields are named otherwise; an entry without it
// has none.
export function violationsOf(entry) {
  const list = entry && entry.violations;
  if (!Array.isArray(list)) return [];
  return list.map((v) => {
    if (typeof v !== 'object' || v === null) return { message: String(v) };
    const text = (...names) => {
      for (const name of names) {
        if (typeof v[name] === 'string' && v[name] !== '') return v[name];
        if (typeof v[name] === 'number') return String(v[name]);
      }
      return '';
    };
    const known = {
      where: text('in', 'where', 'direction', 'side'),
      path: text('path', 'json_path', 'jsonPath', 'pointer', 'field', 'location'),
      rule: text('rule', 'keyword', 'kind', 'constraint'),
      message: text('message', 'reason', 'detail', 'error'),
    };
    if (!known.path && !known.rule && !known.message) known.message = JSON.stringify(v);
    return known;
  });
}
