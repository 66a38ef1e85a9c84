// The demo's vocabulary and its (deliberately skewed) distributions. Pure data: shared by the seed SQL
// generator, the request validators and the tests, so the API accepts exactly what the seed produces.

/** Generator/schema version. Bump on any change to the tables or to the generated data: seedDemo rebuilds. */
export const DEMO_SCHEMA_VERSION = 2;

export const DEMO_DEFAULT_SIZES = { leads: 300_000, policies: 100_000, users: 40 } as const;

/** The demo tables, dependency order (referencing tables first) — the only objects seeding may drop. */
export const DEMO_TABLES = ['policies', 'leads', 'users', 'demo_meta'] as const;

// Fixed window instead of now(): the data must be byte-identical on every run.
export const DATA_START = '2024-12-01T00:00:00Z';
export const DATA_END = '2026-12-01T00:00:00Z';
/** Policies' status (active/expired/pending) is computed as of this day. */
export const AS_OF_DATE = '2026-12-01';

export type Weighted<T extends string> = readonly (readonly [T, number])[];

// Lead funnel: most leads never get past 'contacted'; 'qualified' is rare, so a (status, created_at) index is
// far more selective for it than a scan, and 'new' is common enough that a status-only index is useless.
export const LEAD_STATUS_WEIGHTS = [
  ['new', 52],
  ['contacted', 26],
  ['closed', 16],
  ['lost', 4],
  ['qualified', 2],
] as const satisfies Weighted<string>;

export const INSURANCE_TYPE_WEIGHTS = [
  ['auto', 45],
  ['home', 22],
  ['health', 13],
  ['life', 10],
  ['renters', 7],
  ['umbrella', 2],
  ['pet', 1],
] as const satisfies Weighted<string>;

export const SOURCE_WEIGHTS = [
  ['web_form', 38],
  ['google_ads', 24],
  ['facebook_ads', 14],
  ['comparison_site', 10],
  ['referral', 8],
  ['partner_api', 4],
  ['phone', 2],
] as const satisfies Weighted<string>;

export const EMAIL_DOMAIN_WEIGHTS = [
  ['example.com', 40],
  ['example.net', 25],
  ['example.org', 20],
  ['mail.example', 10],
  ['inbox.example', 5],
] as const satisfies Weighted<string>;

export const POLICY_STATUSES = ['active', 'expired', 'cancelled', 'pending'] as const;

/**
 * US states + DC: [code, population in millions (≈2020, the skew), first and last ZIP3 prefix].
 * ZIP3 ranges are approximate; they only make zips look plausible for their state.
 */
export const US_STATES = [
  ['AL', 5.0, 350, 369], ['AK', 0.7, 995, 999], ['AZ', 7.2, 850, 865], ['AR', 3.0, 716, 729],
  ['CA', 39.5, 900, 961], ['CO', 5.8, 800, 816], ['CT', 3.6, 60, 69], ['DE', 1.0, 197, 199],
  ['DC', 0.7, 200, 205], ['FL', 21.5, 320, 349], ['GA', 10.7, 300, 319], ['HI', 1.5, 967, 968],
  ['ID', 1.8, 832, 838], ['IL', 12.8, 600, 629], ['IN', 6.8, 460, 479], ['IA', 3.2, 500, 528],
  ['KS', 2.9, 660, 679], ['KY', 4.5, 400, 427], ['LA', 4.7, 700, 714], ['ME', 1.4, 39, 49],
  ['MD', 6.2, 206, 219], ['MA', 7.0, 10, 27], ['MI', 10.1, 480, 499], ['MN', 5.7, 550, 567],
  ['MS', 3.0, 386, 397], ['MO', 6.2, 630, 658], ['MT', 1.1, 590, 599], ['NE', 2.0, 680, 693],
  ['NV', 3.1, 889, 898], ['NH', 1.4, 30, 38], ['NJ', 9.3, 70, 89], ['NM', 2.1, 870, 884],
  ['NY', 20.2, 100, 149], ['NC', 10.4, 270, 289], ['ND', 0.8, 580, 588], ['OH', 11.8, 430, 459],
  ['OK', 4.0, 730, 749], ['OR', 4.2, 970, 979], ['PA', 13.0, 150, 196], ['RI', 1.1, 28, 29],
  ['SC', 5.1, 290, 299], ['SD', 0.9, 570, 577], ['TN', 6.9, 370, 385], ['TX', 29.1, 750, 799],
  ['UT', 3.3, 840, 847], ['VT', 0.6, 50, 59], ['VA', 8.6, 220, 246], ['WA', 7.7, 980, 994],
  ['WV', 1.8, 247, 268], ['WI', 5.9, 530, 549], ['WY', 0.6, 820, 831],
] as const;

type Codes<W extends Weighted<string>> = W[number][0];
export type LeadStatus = Codes<typeof LEAD_STATUS_WEIGHTS>;
export type InsuranceType = Codes<typeof INSURANCE_TYPE_WEIGHTS>;
export type LeadSource = Codes<typeof SOURCE_WEIGHTS>;
export type UsStateCode = (typeof US_STATES)[number][0];
export type PolicyStatus = (typeof POLICY_STATUSES)[number];

const codes = <W extends Weighted<string>>(w: W) => w.map(([code]) => code) as unknown as [Codes<W>, ...Codes<W>[]];
export const LEAD_STATUSES = codes(LEAD_STATUS_WEIGHTS);
export const INSURANCE_TYPES = codes(INSURANCE_TYPE_WEIGHTS);
export const LEAD_SOURCES = codes(SOURCE_WEIGHTS);
export const US_STATE_CODES = US_STATES.map(([code]) => code) as unknown as [UsStateCode, ...UsStateCode[]];

// Policy pricing per insurance type: annual premium range in cents, [type, min, max].
export const PREMIUM_RANGES_CENTS = [
  ['auto', 90_000, 260_000],
  ['home', 80_000, 250_000],
  ['health', 300_000, 900_000],
  ['life', 20_000, 120_000],
  ['renters', 10_000, 30_000],
  ['umbrella', 15_000, 50_000],
  ['pet', 20_000, 70_000],
] as const satisfies readonly (readonly [InsuranceType, number, number])[];

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Christopher', 'Karen', 'Charles', 'Lisa',
  'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret', 'Donald', 'Ashley', 'Steven',
  'Kimberly', 'Andrew', 'Emily', 'Paul', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda',
  'Brian', 'Melissa', 'George', 'Deborah', 'Timothy', 'Stephanie', 'Ronald', 'Dorothy', 'Jason', 'Rebecca',
  'Edward', 'Sharon', 'Jeffrey', 'Laura', 'Ryan', 'Cynthia', 'Jacob', 'Amy', 'Gary', 'Kathleen', 'Nicholas',
  'Angela', 'Eric', 'Shirley', 'Jonathan', 'Brenda', 'Stephen', 'Emma', 'Larry', 'Anna', 'Justin', 'Pamela',
  'Scott', 'Nicole', 'Brandon', 'Samantha', 'Benjamin', 'Katherine', 'Samuel', 'Christine', 'Gregory', 'Helen',
  'Alexander', 'Debra', 'Patrick', 'Rachel', 'Frank', 'Carolyn', 'Raymond', 'Janet', 'Jack', 'Maria', 'Dennis',
  'Olivia', 'Jerry', 'Heather', 'Luis', 'Sofia', 'Mateo', 'Camila', 'Wei', 'Mei', 'Arjun', 'Priya', 'Kwame', 'Amara',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee',
  'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young',
  'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker',
  'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz',
  'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers',
  'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox',
  'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz',
  'Hughes', 'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Chen', 'Okafor',
] as const;
