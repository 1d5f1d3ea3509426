/** Location normalisation: country → ISO 3166-1 alpha-2, US states → region code, city casing, remote flag. */

const COUNTRIES: Record<string, string> = {
  'united states': 'US', 'united states of america': 'US', usa: 'US', us: 'US', 'u s': 'US', 'u s a': 'US', america: 'US',
  'united kingdom': 'GB', uk: 'GB', 'great britain': 'GB', england: 'GB', scotland: 'GB', wales: 'GB', gb: 'GB',
  germany: 'DE', deutschland: 'DE', de: 'DE', france: 'FR', fr: 'FR', spain: 'ES', es: 'ES', italy: 'IT', it: 'IT',
  netherlands: 'NL', 'the netherlands': 'NL', holland: 'NL', nl: 'NL', belgium: 'BE', be: 'BE', switzerland: 'CH', ch: 'CH',
  austria: 'AT', at: 'AT', ireland: 'IE', ie: 'IE', sweden: 'SE', se: 'SE', norway: 'NO', no: 'NO', denmark: 'DK', dk: 'DK',
  finland: 'FI', fi: 'FI', poland: 'PL', pl: 'PL', portugal: 'PT', pt: 'PT', 'czech republic': 'CZ', czechia: 'CZ', cz: 'CZ',
  hungary: 'HU', hu: 'HU', romania: 'RO', ro: 'RO', greece: 'GR', gr: 'GR', israel: 'IL', il: 'IL', turkey: 'TR', tr: 'TR',
  canada: 'CA', ca: 'CA', mexico: 'MX', mx: 'MX', brazil: 'BR', br: 'BR', argentina: 'AR', ar: 'AR', chile: 'CL', cl: 'CL',
  colombia: 'CO', co: 'CO', peru: 'PE', pe: 'PE', india: 'IN', in: 'IN', china: 'CN', cn: 'CN', japan: 'JP', jp: 'JP',
  'south korea': 'KR', korea: 'KR', kr: 'KR', taiwan: 'TW', tw: 'TW', 'hong kong': 'HK', hk: 'HK', singapore: 'SG', sg: 'SG',
  australia: 'AU', au: 'AU', 'new zealand': 'NZ', nz: 'NZ', indonesia: 'ID', id: 'ID', malaysia: 'MY', my: 'MY',
  philippines: 'PH', ph: 'PH', thailand: 'TH', th: 'TH', vietnam: 'VN', vn: 'VN', 'south africa': 'ZA', za: 'ZA',
  nigeria: 'NG', ng: 'NG', kenya: 'KE', ke: 'KE', egypt: 'EG', eg: 'EG', 'united arab emirates': 'AE', uae: 'AE', ae: 'AE',
  'saudi arabia': 'SA', sa: 'SA', russia: 'RU', ru: 'RU', ukraine: 'UA', ua: 'UA', luxembourg: 'LU', lu: 'LU',
};

export const US_STATES: Record<string, string> = {
  alabama: 'AL', alaska: 'AK', arizona: 'AZ', arkansas: 'AR', california: 'CA', colorado: 'CO', connecticut: 'CT',
  delaware: 'DE', florida: 'FL', georgia: 'GA', hawaii: 'HI', idaho: 'ID', illinois: 'IL', indiana: 'IN', iowa: 'IA',
  kansas: 'KS', kentucky: 'KY', louisiana: 'LA', maine: 'ME', maryland: 'MD', massachusetts: 'MA', michigan: 'MI',
  minnesota: 'MN', mississippi: 'MS', missouri: 'MO', montana: 'MT', nebraska: 'NE', nevada: 'NV', 'new hampshire': 'NH',
  'new jersey': 'NJ', 'new mexico': 'NM', 'new york': 'NY', 'north carolina': 'NC', 'north dakota': 'ND', ohio: 'OH',
  oklahoma: 'OK', oregon: 'OR', pennsylvania: 'PA', 'rhode island': 'RI', 'south carolina': 'SC', 'south dakota': 'SD',
  tennessee: 'TN', texas: 'TX', utah: 'UT', vermont: 'VT', virginia: 'VA', washington: 'WA', 'west virginia': 'WV',
  wisconsin: 'WI', wyoming: 'WY', 'district of columbia': 'DC', 'washington dc': 'DC', 'washington d c': 'DC', 'puerto rico': 'PR',
};
const STATE_CODES = new Set(Object.values(US_STATES));

const key = (s: string) => s.toLowerCase().replace(/[.\s]+/g, ' ').replace(/[^\p{L}\p{N} ]/gu, '').trim();

/** ISO alpha-2 code for a country name or code; null when unknown or empty. */
export function normalizeCountry(value: string | null | undefined): string | null {
  if (!value) return null;
  const k = key(value);
  if (!k) return null;
  return COUNTRIES[k] ?? null;
}

/** A two-letter US state code for a state name or code; null when it is not a US state. */
export function usStateCode(value: string | null | undefined): string | null {
  if (!value) return null;
  const k = key(value);
  if (US_STATES[k]) return US_STATES[k]!;
  const up = k.toUpperCase();
  return up.length === 2 && STATE_CODES.has(up) ? up : null;
}

/** "  new YORK city " → "New York City"; hyphenated and apostrophe parts capitalised as well. */
export function normalizeCity(value: string | null | undefined): string | null {
  if (!value) return null;
  const t = value.replace(/\s+/g, ' ').trim();
  if (!t) return null;
  return t.toLowerCase().replace(/(^|[\s\-'’(])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

const REMOTE = /\b(remote|work from home|wfh|telecommute|anywhere)\b/i;

/** True when the text says the work is remote. */
export function mentionsRemote(text: string | null | undefined): boolean {
  return !!text && REMOTE.test(text);
}

export interface NormalizedLocation {
  city: string | null;
  region: string | null;
  country: string | null;
  remote: boolean;
}

/**
 * Normalises explicit fields, or a free-text location ("Mountain View, CA, United States", "Berlin, Germany",
 * "Remote - US"). A region that is a US state becomes its code (and implies country US when none is given).
 */
export function normalizeLocation(input: { location?: string | null; city?: string | null; region?: string | null; country?: string | null; remote?: boolean | null }): NormalizedLocation {
  let city = input.city ?? null;
  let region = input.region ?? null;
  let country = input.country ?? null;
  let remote = input.remote ?? false;
  if (input.location) {
    if (mentionsRemote(input.location)) remote = input.remote ?? true;
    const parts = input.location.replace(REMOTE, ' ').split(/[,;|/]|\s-\s/).map((p) => p.trim()).filter(Boolean);
    if (parts.length) {
      // Last part that is a country becomes the country; a state code/name the region; the first remaining part the city.
      const rest: string[] = [];
      for (const p of parts) {
        if (!country && normalizeCountry(p) && (parts.length === 1 || p === parts[parts.length - 1] || p.length > 2)) country = p;
        else if (!region && usStateCode(p) && p !== parts[0]) region = p;
        else rest.push(p);
      }
      if (!city && rest.length) city = rest[0]!;
    }
  }
  let countryCode = normalizeCountry(country);
  const state = usStateCode(region);
  if (state && (!countryCode || countryCode === 'US')) countryCode = 'US';
  const regionOut = state && countryCode === 'US' ? state : region ? region.replace(/\s+/g, ' ').trim() || null : null;
  const cityOut = normalizeCity(city);
  return { city: cityOut, region: regionOut, country: countryCode, remote: remote || mentionsRemote(input.city) };
}
