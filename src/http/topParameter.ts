import type { HttpRequest } from '@azure/functions';
import { ValidationError } from '../errors';

/** The `top` query parameter of a list route: a whole number from 1 to 1000, `fallback` when absent. */
export function topParameter(request: HttpRequest, fallback: number): number {
  const top = Number(request.query.get('top') ?? fallback);
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    throw new ValidationError('top must be a whole number from 1 to 1000.', { field: 'top' });
  return top;
}
