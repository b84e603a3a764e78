/**
 * Names for a health system's patient index: drawn with a skewed (Zipf–Mandelbrot) frequency
 * from ranked lists, so that the common names repeat as they do in a real index (at 100,000
 * patients about 2,800 Smiths and 2,200 Johnsons among some 20,000 surnames) while most surnames are rare. The lists mix
 * common US surnames, names from elsewhere (accents, apostrophes, several parts) and, for the
 * long tail, made-up names built from syllables — plausible, obviously synthetic.
 */

/** Common US surnames, roughly in order of frequency (the order is the rank). */
const US_SURNAMES = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez
Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris
Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel
Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales
Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole
Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez
McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson
Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Muñoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd
Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan
Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight
Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman
Johnston Matthews Peña Richards Contreras Willis Carpenter Lawrence Sandoval`;

/** Names from elsewhere, several with accents, apostrophes, hyphens or more than one part. */
const WORLD_SURNAMES = [
  "O'Brien", "O'Connor", "O'Neill", 'Wang', 'Singh', 'Li', 'Zhang', 'Kumar', 'Liu', 'Khan', 'Nakamura', "D'Souza",
  'De La Cruz', 'Tanaka', 'Okafor', 'Haddad', 'Kowalski', 'Novak', 'Núñez', 'Ibáñez', 'Müller', 'Shah', 'Ali',
  'Hussain', 'Yamamoto', 'Sato', 'Suzuki', 'Park', 'Choi', 'Pham', 'Le', 'Huang', 'Lin', 'Wu', 'Xu', 'Gupta',
  'Van der Berg', 'Petrov', 'Ivanov', 'Johansson', 'Lindqvist', 'Björk', 'Søndergaard', 'Delacroix', 'Osei',
  'Abernathy', 'Whitfield', 'Castellanos', 'Fitzgerald', 'MacLeod', 'McKenzie', "D'Amico", "N'Diaye", 'St. Clair',
  'Al-Hassan', 'Ben-David', 'dos Santos', 'Nwosu', 'Adeyemi', 'Mensah', 'Popescu', 'Horváth', 'Nowak', 'Jensen',
  'Nielsen', 'Larsen', 'Andersson', 'Virtanen', 'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Dubois',
  'Lefèvre', 'Moreau', 'Girard', 'Fournier', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Lévesque', 'Côté',
  'Gagnon', 'Bouchard', 'Ó Briain', 'Kuznetsov', 'Yılmaz', 'Papadopoulos', 'Cohen', 'Levi', 'Mahmoud', 'Rahman',
];

const FEMALE = `Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra
Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia
Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn
Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn
Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail
Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte
Marie Kayla Alexis Lori Rosa Mei Aisha Priya Fatima Yuki Ingrid Olga Lucia Noor Zoë Renée Chloé Inés Anne-Marie
Mary-Kate Siobhán Łucja Ximena Guadalupe`;

const MALE = `James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel Matthew Anthony Mark
Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy Ronald Jason Edward Jeffrey Ryan Jacob Gary
Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond
Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Walter Christian
Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan Jesse Bryan Billy Bruce Gabriel Joe
Logan Alan Juan Albert Willie Elijah Wayne Randy Vincent Mason Roy Ralph Bobby Russell Bradley Philip Eugene Wei Omar
Rahul Kenji Lars Dmitri Mateo Kwame Ahmed Luis José André François Jean-Luc D'Andre Søren Łukasz Ngozi Tomás`;

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

/** Made-up names for the long tail: onset + link + ending, capitalised, in a fixed shuffled order. */
function syllableNames(onsets: string[], links: string[], endings: string[], taken: Set<string>, seed: number): string[] {
  const out: string[] = [];
  for (const o of onsets) for (const l of links) for (const e of endings) {
    const name = o + l + e;
    const key = name.toLowerCase();
    if (!taken.has(key)) {
      taken.add(key);
      out.push(name);
    }
  }
  // A fixed shuffle, so that a name's rank (its frequency) has nothing to do with its spelling.
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

const SURNAME_ONSETS = words(`Ab Al Ash Bar Bel Bran Brom Cal Car Cor Dal Dan Dar Del Dun Ed El Fair Fal Fen Gar Gil Gold
Hal Har Hart Hol Iver Jar Jen Kal Kel Kin Lam Lan Lin Lov Mal Mar Mel Mor Nel Nor Oak Pal Pen Pres Quin Ral Ren Ros
Sel Sten Tal Thorn Tor Ul Val Vas Wal Wen Win Wyn Yar Zel`);
const SURNAME_LINKS = ['', 'a', 'e', 'i', 'o', 'en', 'er', 'in', 'ow', 'is'];
const SURNAME_ENDINGS = words(`ton son ley man berg ford wood ski ov enko ez ini ard well by field stein quist sen ing
more hurst dale worth wick ham croft ridge ander ova escu oglu idis akis ani elli ier eau ault`);

const GIVEN_ONSETS = words('Al Bri Cal Da El Fa Gi Ha Is Ja Ka Le Ma Na Or Pe Ra Sa Ta Va Wi Ya Za');
const GIVEN_LINKS = ['', 'l', 'r', 'n', 'v', 'th'];
const GIVEN_ENDINGS = words('a ia ina elle ette ara yn en an on io us o ey ie ith');

export interface IndexNames {
  /** Surnames in rank order: US, then elsewhere, then the made-up tail. */
  surnames: readonly string[];
  /** Given names in rank order; the made-up tail is shared out between the two. */
  female: readonly string[];
  male: readonly string[];
}

let names: IndexNames | null = null;
/** The ranked lists (built on first use: some 25,000 strings). */
export function indexNames(): IndexNames {
  if (names) return names;
  const head = [...words(US_SURNAMES), ...WORLD_SURNAMES];
  const surnameTail = syllableNames(SURNAME_ONSETS, SURNAME_LINKS, SURNAME_ENDINGS, new Set(head.map((n) => n.toLowerCase())), 0x5eed);
  const female = words(FEMALE);
  const male = words(MALE);
  const givenTail = syllableNames(GIVEN_ONSETS, GIVEN_LINKS, GIVEN_ENDINGS, new Set([...female, ...male].map((n) => n.toLowerCase())), 0x9e11);
  names = {
    surnames: [...head, ...surnameTail],
    female: [...female, ...givenTail.filter((_, i) => i % 2 === 0)],
    male: [...male, ...givenTail.filter((_, i) => i % 2 === 1)],
  };
  return names;
}

/**
 * Draws from a ranked list with weight 1 / (rank + q)^s: q flattens the head (the most common
 * name is a few per cent, not a third), s sets how fast the tail thins out.
 */
export class ZipfPicker<T> {
  private readonly cumulative: Float64Array;
  constructor(private readonly items: readonly T[], s: number, q: number) {
    this.cumulative = new Float64Array(items.length);
    let total = 0;
    for (let k = 0; k < items.length; k++) this.cumulative[k] = total += 1 / Math.pow(k + 1 + q, s);
  }
  /** The item for u in [0, 1). */
  pick(u: number): T {
    const target = u * (this.cumulative[this.cumulative.length - 1] as number);
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}
