import { parseSearchWith, stringifySearchWith } from '@tanstack/react-router';

/**
 * URL search params: strings stay plain, arrays become comma lists (`?action=a,b`), other values
 * JSON. Routes' validateSearch turn comma lists back into arrays, so shared links stay readable.
 */
export const stringifyRouterSearch = stringifySearchWith(
  (value: unknown) => (Array.isArray(value) ? value.join(',') : JSON.stringify(value)),
  JSON.parse,
);

export const parseRouterSearch = parseSearchWith(JSON.parse);
