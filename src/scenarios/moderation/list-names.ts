import { companyDomain } from '../../mail/providers.js';
import type { Fake } from '../../random/fake.js';

/** A list host: list managers usually run on their own `lists.` host. */
export const listHost = (fake: Fake): string =>
  `${fake.rng.pick(['lists', 'lists', 'lists', 'listes', 'list'])}.${companyDomain(fake)}`;

/** The local part of a list address a newsletter can land on. */
export const listLocal = (fake: Fake): string =>
  fake.rng.pick([
    'leden',
    'members',
    'announce',
    'nieuws',
    'info',
    'bestuur',
    'team',
    'vrijwilligers',
    'discuss',
  ]);

/** Mailman 2's real_name: the list name as the owner capitalised it. */
export const realName = (local: string): string => local[0]!.toUpperCase() + local.slice(1);
