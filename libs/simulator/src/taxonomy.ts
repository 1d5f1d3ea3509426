/** The simulator's fixed world: occupations, skills, titles, salary bands, locations. Pure data. */

export const SENIORITY_LEVELS = ['intern', 'junior', 'mid', 'senior', 'lead', 'executive'] as const;
export type SimSeniority = (typeof SENIORITY_LEVELS)[number];

export interface Occupation {
  key: string;
  label: string;
  skills: string[];
  /** Occupations whose skills and jobs are partly relevant. */
  adjacent: string[];
  /** Title stem; seniority words are added by `titleFor`. */
  titles: string[];
  /** Median annual USD salary at `mid`; other levels scale by SENIORITY_SALARY_FACTOR. */
  midSalaryUsd: number;
}

export const OCCUPATIONS: Occupation[] = [
  { key: 'software', label: 'Software engineering', adjacent: ['data', 'design'], midSalaryUsd: 125_000,
    titles: ['Software Engineer', 'Backend Engineer', 'Frontend Developer', 'Full Stack Developer'],
    skills: ['javascript', 'typescript', 'python', 'java', 'go', 'sql', 'react', 'node.js', 'docker', 'kubernetes', 'aws', 'git', 'rest apis', 'ci/cd', 'microservices', 'testing'] },
  { key: 'data', label: 'Data science and analytics', adjacent: ['software', 'finance', 'marketing'], midSalaryUsd: 120_000,
    titles: ['Data Scientist', 'Data Analyst', 'Machine Learning Engineer', 'Data Engineer'],
    skills: ['python', 'sql', 'statistics', 'machine learning', 'pandas', 'spark', 'tableau', 'r', 'deep learning', 'a/b testing', 'data visualization', 'etl', 'airflow', 'excel'] },
  { key: 'nursing', label: 'Nursing', adjacent: ['customer_support'], midSalaryUsd: 82_000,
    titles: ['Registered Nurse', 'ICU Nurse', 'Pediatric Nurse', 'Clinical Nurse'],
    skills: ['patient care', 'medication administration', 'bls', 'acls', 'triage', 'wound care', 'electronic health records', 'iv therapy', 'patient education', 'infection control', 'vital signs', 'care planning'] },
  { key: 'sales', label: 'Sales', adjacent: ['marketing', 'customer_support'], midSalaryUsd: 78_000,
    titles: ['Account Executive', 'Sales Representative', 'Business Development Representative', 'Account Manager'],
    skills: ['salesforce', 'negotiation', 'lead generation', 'cold calling', 'crm', 'pipeline management', 'closing', 'b2b sales', 'prospecting', 'account management', 'presentation skills', 'forecasting'] },
  { key: 'finance', label: 'Finance and accounting', adjacent: ['data', 'hr'], midSalaryUsd: 95_000,
    titles: ['Financial Analyst', 'Accountant', 'Controller', 'FP&A Analyst'],
    skills: ['excel', 'financial modeling', 'gaap', 'budgeting', 'forecasting', 'accounts payable', 'reconciliation', 'sap', 'financial reporting', 'audit', 'tax', 'valuation', 'sql'] },
  { key: 'marketing', label: 'Marketing', adjacent: ['sales', 'design', 'data'], midSalaryUsd: 85_000,
    titles: ['Marketing Manager', 'Digital Marketing Specialist', 'Content Marketer', 'Growth Marketer'],
    skills: ['seo', 'sem', 'google analytics', 'content strategy', 'social media', 'email marketing', 'copywriting', 'hubspot', 'brand management', 'paid advertising', 'marketing automation', 'a/b testing'] },
  { key: 'design', label: 'Design', adjacent: ['software', 'marketing'], midSalaryUsd: 98_000,
    titles: ['Product Designer', 'UX Designer', 'UI Designer', 'Graphic Designer'],
    skills: ['figma', 'user research', 'prototyping', 'wireframing', 'adobe photoshop', 'adobe illustrator', 'design systems', 'usability testing', 'interaction design', 'typography', 'sketch', 'accessibility'] },
  { key: 'customer_support', label: 'Customer support', adjacent: ['sales', 'nursing'], midSalaryUsd: 50_000,
    titles: ['Customer Support Specialist', 'Customer Success Manager', 'Help Desk Technician', 'Support Agent'],
    skills: ['customer service', 'zendesk', 'troubleshooting', 'ticketing systems', 'communication', 'conflict resolution', 'crm', 'live chat', 'product knowledge', 'escalation management', 'empathy'] },
  { key: 'logistics', label: 'Logistics and supply chain', adjacent: ['mechanical', 'finance'], midSalaryUsd: 68_000,
    titles: ['Logistics Coordinator', 'Supply Chain Analyst', 'Warehouse Supervisor', 'Procurement Specialist'],
    skills: ['inventory management', 'supply chain', 'forklift', 'warehouse operations', 'procurement', 'erp', 'shipping', 'demand planning', 'vendor management', 'sap', 'lean', 'excel'] },
  { key: 'teaching', label: 'Teaching', adjacent: ['hr'], midSalaryUsd: 62_000,
    titles: ['Teacher', 'Math Teacher', 'English Teacher', 'Instructional Coordinator'],
    skills: ['lesson planning', 'classroom management', 'curriculum development', 'differentiated instruction', 'student assessment', 'special education', 'educational technology', 'mathematics', 'literacy', 'parent communication', 'mentoring'] },
  { key: 'mechanical', label: 'Mechanical engineering', adjacent: ['logistics', 'software'], midSalaryUsd: 98_000,
    titles: ['Mechanical Engineer', 'Design Engineer', 'Manufacturing Engineer', 'Product Engineer'],
    skills: ['solidworks', 'autocad', 'cad', 'fea', 'gd&t', 'matlab', 'thermodynamics', 'prototyping', 'manufacturing processes', 'lean', 'six sigma', 'ansys', 'root cause analysis'] },
  { key: 'hr', label: 'Human resources', adjacent: ['finance', 'teaching'], midSalaryUsd: 75_000,
    titles: ['HR Generalist', 'Recruiter', 'HR Business Partner', 'Talent Acquisition Specialist'],
    skills: ['recruiting', 'onboarding', 'employee relations', 'hris', 'workday', 'compensation', 'benefits administration', 'talent acquisition', 'labor law', 'performance management', 'interviewing', 'communication'] },
];

export const OCCUPATION_INDEX = new Map(OCCUPATIONS.map((o, i) => [o.key, i]));

export function occupation(key: string): Occupation {
  const i = OCCUPATION_INDEX.get(key);
  if (i === undefined) throw new Error(`unknown occupation ${key}`);
  return OCCUPATIONS[i]!;
}

/** Salary multiplier by seniority level (index into SENIORITY_LEVELS). */
export const SENIORITY_SALARY_FACTOR = [0.45, 0.75, 1, 1.3, 1.6, 2.2];

/** Annual USD band [min, max] for an occupation at a seniority level, before the location's cost factor. */
export function salaryBandUsd(occ: Occupation, level: number): [number, number] {
  const mid = occ.midSalaryUsd * SENIORITY_SALARY_FACTOR[level]!;
  return [Math.round(mid * 0.85), Math.round(mid * 1.15)];
}

const SENIORITY_PREFIX: Record<SimSeniority, string> = {
  intern: 'Intern', junior: 'Junior', mid: '', senior: 'Senior', lead: 'Lead', executive: 'Head of',
};
/** Seniority words removed when normalising a title. */
export const SENIORITY_WORDS = ['intern', 'junior', 'senior', 'lead', 'head of'];

export function titleFor(stem: string, level: number): string {
  const prefix = SENIORITY_PREFIX[SENIORITY_LEVELS[level]!];
  return prefix ? `${prefix} ${stem}` : stem;
}

/** Years of experience → seniority level. */
export function seniorityForYears(years: number): number {
  if (years < 1) return 0;
  if (years < 3) return 1;
  if (years < 6) return 2;
  if (years < 10) return 3;
  if (years < 16) return 4;
  return 5;
}

export interface Location {
  city: string;
  region: string;
  country: string;
  lat: number;
  lon: number;
  timeZone: string;
  currency: 'USD' | 'EUR' | 'GBP';
  /** Salary level relative to the US average. */
  costFactor: number;
}

const loc = (city: string, region: string, country: string, lat: number, lon: number, timeZone: string, currency: Location['currency'], costFactor: number): Location =>
  ({ city, region, country, lat, lon, timeZone, currency, costFactor });

export const LOCATIONS: Location[] = [
  loc('New York', 'NY', 'US', 40.7128, -74.006, 'America/New_York', 'USD', 1.2),
  loc('San Francisco', 'CA', 'US', 37.7749, -122.4194, 'America/Los_Angeles', 'USD', 1.3),
  loc('Los Angeles', 'CA', 'US', 34.0522, -118.2437, 'America/Los_Angeles', 'USD', 1.1),
  loc('San Jose', 'CA', 'US', 37.3382, -121.8863, 'America/Los_Angeles', 'USD', 1.3),
  loc('Seattle', 'WA', 'US', 47.6062, -122.3321, 'America/Los_Angeles', 'USD', 1.2),
  loc('Austin', 'TX', 'US', 30.2672, -97.7431, 'America/Chicago', 'USD', 1.0),
  loc('Dallas', 'TX', 'US', 32.7767, -96.797, 'America/Chicago', 'USD', 0.95),
  loc('Houston', 'TX', 'US', 29.7604, -95.3698, 'America/Chicago', 'USD', 0.95),
  loc('Chicago', 'IL', 'US', 41.8781, -87.6298, 'America/Chicago', 'USD', 1.0),
  loc('Boston', 'MA', 'US', 42.3601, -71.0589, 'America/New_York', 'USD', 1.15),
  loc('Atlanta', 'GA', 'US', 33.749, -84.388, 'America/New_York', 'USD', 0.95),
  loc('Denver', 'CO', 'US', 39.7392, -104.9903, 'America/Denver', 'USD', 1.0),
  loc('Miami', 'FL', 'US', 25.7617, -80.1918, 'America/New_York', 'USD', 0.95),
  loc('Phoenix', 'AZ', 'US', 33.4484, -112.074, 'America/Phoenix', 'USD', 0.9),
  loc('Philadelphia', 'PA', 'US', 39.9526, -75.1652, 'America/New_York', 'USD', 1.0),
  loc('Minneapolis', 'MN', 'US', 44.9778, -93.265, 'America/Chicago', 'USD', 0.95),
  loc('Toronto', 'ON', 'CA', 43.6532, -79.3832, 'America/Toronto', 'USD', 0.85),
  loc('Vancouver', 'BC', 'CA', 49.2827, -123.1207, 'America/Vancouver', 'USD', 0.85),
  loc('London', 'England', 'GB', 51.5074, -0.1278, 'Europe/London', 'GBP', 0.85),
  loc('Manchester', 'England', 'GB', 53.4808, -2.2426, 'Europe/London', 'GBP', 0.7),
  loc('Edinburgh', 'Scotland', 'GB', 55.9533, -3.1883, 'Europe/London', 'GBP', 0.7),
  loc('Berlin', 'Berlin', 'DE', 52.52, 13.405, 'Europe/Berlin', 'EUR', 0.75),
  loc('Munich', 'Bavaria', 'DE', 48.1351, 11.582, 'Europe/Berlin', 'EUR', 0.85),
  loc('Hamburg', 'Hamburg', 'DE', 53.5511, 9.9937, 'Europe/Berlin', 'EUR', 0.75),
  loc('Paris', 'Île-de-France', 'FR', 48.8566, 2.3522, 'Europe/Paris', 'EUR', 0.75),
  loc('Lyon', 'Auvergne-Rhône-Alpes', 'FR', 45.764, 4.8357, 'Europe/Paris', 'EUR', 0.65),
  loc('Amsterdam', 'North Holland', 'NL', 52.3676, 4.9041, 'Europe/Amsterdam', 'EUR', 0.85),
  loc('Dublin', 'Leinster', 'IE', 53.3498, -6.2603, 'Europe/Dublin', 'EUR', 0.9),
  loc('Madrid', 'Community of Madrid', 'ES', 40.4168, -3.7038, 'Europe/Madrid', 'EUR', 0.6),
  loc('Barcelona', 'Catalonia', 'ES', 41.3874, 2.1686, 'Europe/Madrid', 'EUR', 0.6),
];

/** Units of currency per USD; the same values as the `currency_rates` migration (as of 2026-11-02). */
export const UNITS_PER_USD: Record<Location['currency'], number> = { USD: 1, EUR: 0.92, GBP: 0.78 };

export const EDUCATION = ['none', 'high_school', 'associate', 'bachelor', 'master', 'phd'] as const;
export const EMPLOYMENT = ['full_time', 'part_time', 'contract', 'temporary', 'internship'] as const;
export const REMOTE_PREFERENCES = ['onsite', 'hybrid', 'remote', 'any'] as const;
export type RemotePreference = (typeof REMOTE_PREFERENCES)[number];

/** Great-circle distance in km. */
export function distanceKm(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLon = (bLon - aLon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export const COMPANY_WORDS_A = ['Blue', 'North', 'Bright', 'Silver', 'Green', 'Red', 'Summit', 'River', 'Oak', 'Pine', 'Iron', 'Clear', 'Stone', 'Swift', 'Golden', 'Cedar', 'Harbor', 'Maple', 'Polar', 'Sun'];
export const COMPANY_WORDS_B = ['peak', 'wind', 'field', 'line', 'gate', 'bridge', 'light', 'forge', 'path', 'wave', 'point', 'stone', 'crest', 'brook', 'works', 'view'];
export const COMPANY_WORDS_C = ['Labs', 'Systems', 'Health', 'Partners', 'Group', 'Logistics', 'Analytics', 'Solutions', 'Industries', 'Academy', 'Retail', 'Capital', 'Studio', 'Networks'];
export const FIRST_NAMES = ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie', 'Avery', 'Quinn', 'Robin', 'Drew', 'Kai', 'Noa', 'Lena', 'Mateo', 'Priya', 'Yuki', 'Omar', 'Elena', 'Jonas', 'Chloe', 'Luca', 'Amara'];
export const LAST_NAMES = ['Smith', 'Garcia', 'Müller', 'Dubois', 'Rossi', 'Khan', 'Nguyen', 'Kim', 'Silva', 'Novak', 'Jensen', 'Brown', 'Lopez', 'Schmidt', 'Martin', 'Patel', 'Walsh', 'Cohen', 'Berg', 'Moreau'];
