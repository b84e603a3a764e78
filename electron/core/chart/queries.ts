import type { Database } from 'better-sqlite3-multiple-ciphers';
import type {
  Administration,
  Allergy,
  BedLocation,
  CensusBed,
  Chart,
  ChartItem,
  Condition,
  EncounterInfo,
  MarRow,
  MedicationOrder,
  Note,
  ObservationValue,
  Order,
  PatientDetail,
  PatientSummary,
  ProtocolInfo,
  RawRecordRef,
  UnitRef,
} from '../../shared/contract';
import { MAR_HOURS, marWindow } from '../../shared/defaults';
import { LanternError } from '../../shared/errors';
import type { HomeQueries } from '../../shared/contract';
import type { SnapshotMeta } from '../store/content';
import { decodeItemData, itemDataJson } from './compact';
import { S, type OrderAux } from './map';
import { summarizeAllergies } from './facts/allergies';
import { decideBedside, type BedsideEntry } from './facts/bedside';
import { latestOfEachKind } from './facts/latest';
import { doseInterval, dueTimes } from './schedule';
import { createSearch } from './search';

interface PatientRow {
  rowid: number;
  pkey: number;
  id: string;
  name: string;
  mrn: string | null;
  birth_date: string | null;
  sex: string | null;
  deceased: number;
  bed_id: string | null;
  enc_id: string | null;
  admit: string | null;
  attending: string | null;
  bed: string | null;
  room: string | null;
  unit_id: string | null;
  unit_name: string | null;
}

interface ItemRow {
  section: number;
  type: string;
  id: string;
  at: string | null;
  code: string | null;
  num: number | null;
  link: string | null;
  title: string | null;
  data: string | null;
  aux: string | null;
}

const PATIENT_COLS = `p.rowid AS rowid, p.pkey, p.id, p.name, p.mrn, p.birth_date, p.sex, p.deceased, p.bed_id, p.enc_id, p.admit, p.attending,
  b.bed, b.room, b.unit_id, b.unit_name`;
const HOUR = 3_600_000;
const NOT_FOUND = 'That patient is not in this snapshot. Search again by name, MRN or bed.';

const byAtDesc = <T extends { at: string | null }>(a: T, b: T) => (a.at === b.at ? 0 : a.at === null ? 1 : b.at === null ? -1 : a.at < b.at ? 1 : -1);
const ms = (iso: string | null): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

const ftsQuote = (t: string) => `"${t.replace(/"/g, '""')}"`;

/** What a code-status or isolation row says, for decideBedside (facts/bedside.ts); null for other rows. */
function bedsideEntry(r: { section: number; code: string | null; num: number | null; link: string | null; title: string | null; at: string | null }): BedsideEntry | null {
  const kind = r.section === S.CODESTATUS || r.code === 'CODESTATUS' ? 'code-status' : r.section === S.FLAG && r.code === 'ISOLATION' ? 'isolation' : null;
  // A Flag row's link is its period end.
  return kind ? { kind, live: r.num === 1, at: r.at, end: r.section === S.FLAG ? r.link : null, text: r.title } : null;
}

export function createQueries(db: Database, meta: SnapshotMeta, clock: () => Date): HomeQueries {
  void clock;
  const asOf = meta.asOf;
  const asOfMs = Date.parse(asOf);
  const patientById = db.prepare(`SELECT ${PATIENT_COLS}, p.data FROM patient p LEFT JOIN bed b ON b.loc_id = p.bed_id WHERE p.id = ? ORDER BY p.rowid DESC LIMIT 1`);
  const patientByRowid = db.prepare(`SELECT ${PATIENT_COLS} FROM patient p LEFT JOIN bed b ON b.loc_id = p.bed_id WHERE p.rowid = ?`);
  const itemsOf = db.prepare(
    `SELECT section, type, id, at, code, num, link, title, CASE WHEN section = ${S.RAW} THEN NULL ELSE data END AS data, aux FROM item WHERE pkey = ?`,
  );
  const sectionOf = db.prepare('SELECT section, type, id, at, code, num, link, title, data, aux FROM item WHERE pkey = ? AND section = ?');
  const censusFlags = db.prepare(
    `SELECT section, code, num, link, title, at, CASE WHEN section = ${S.ALLERGY} THEN data END AS data FROM item
     WHERE pkey = ? AND section IN (${S.ALLERGY}, ${S.FLAG}, ${S.CODESTATUS})`,
  );
  const entityName = db.prepare('SELECT name FROM entity WHERE id = ? AND (type = ? OR ? = \'\') LIMIT 1').pluck();
  const bedById = db.prepare('SELECT bed, room, unit_id, unit_name FROM bed WHERE loc_id = ?');
  const unitsAll = db.prepare('SELECT id, name, aliases FROM unit ORDER BY name');
  const censusBeds = db.prepare(
    `SELECT b.loc_id, b.bed AS bedname, b.room AS roomname, ${PATIENT_COLS} FROM bed b LEFT JOIN patient p ON p.bed_id = b.loc_id
     WHERE b.unit_id = ? OR ? IS NULL ORDER BY b.unit_name, b.sort`,
  );
  const recordItem = db.prepare('SELECT section, id, at, link, data, raw FROM item WHERE pkey = ? AND type = ? AND id = ? LIMIT 1');
  const patientRaw = db.prepare('SELECT raw FROM patient WHERE id = ? ORDER BY rowid DESC LIMIT 1').pluck();
  const protocolList = db.prepare('SELECT id, title, category, kind, size FROM protocol ORDER BY category, title');
  const protocolOpen = db.prepare('SELECT id, title, category, kind, size, text, bytes FROM protocol WHERE id = ?');
  const protocolSearch = db.prepare(
    `SELECT p.id, p.title, p.category, p.kind, p.size, snippet(protocol_text, 1, '', '', '…', 16) AS snippet
     FROM protocol_text JOIN protocol p ON p.rowid = protocol_text.rowid WHERE protocol_text MATCH ? ORDER BY bm25(protocol_text, 5.0, 1.0) LIMIT 50`,
  );

  // Names of practitioners, organizations, locations, medications referenced without a display.
  const names = new Map<string, string>();
  const resolveName = (marker: string): string => {
    let n = names.get(marker);
    if (n === undefined) {
      const body = marker.slice(1);
      const slash = body.indexOf('/');
      const type = body.slice(0, slash);
      const id = body.slice(slash + 1);
      n = (entityName.get(id, type, type) as string | undefined) ?? (type ? `${type}/${id}` : id);
      names.set(marker, n);
    }
    return n;
  };
  const fix = <T>(value: T): T => {
    if (typeof value === 'string') return (value.charCodeAt(0) === 1 ? resolveName(value) : value) as T;
    if (Array.isArray(value)) return value.map(fix) as T;
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const v = o[k];
        if (typeof v === 'string') {
          if (v.charCodeAt(0) === 1) o[k] = resolveName(v);
        } else if (v && typeof v === 'object') o[k] = fix(v);
      }
    }
    return value;
  };
  const parse = <T>(data: string): T => {
    const v = JSON.parse(data) as T;
    return data.includes('\\u0001') ? fix(v) : v;
  };
  /** An item's contract object from its row (compact sections too, see compact.ts), names resolved. */
  const parseItem = <T>(section: number, r: ItemRow): T => {
    const data = r.data as string;
    const v = decodeItemData<T>(section, { id: r.id, at: r.at, link: r.link, data });
    return data.includes('\\u0001') ? fix(v) : v;
  };

  const locationOf = (row: Pick<PatientRow, 'bed' | 'room' | 'unit_id' | 'unit_name'>): BedLocation | null =>
    row.bed === null && row.unit_id === null
      ? null
      : { unit: row.unit_id ? { id: row.unit_id, name: row.unit_name ?? row.unit_id } : null, room: row.room, bed: row.bed };
  const summary = (row: PatientRow): PatientSummary => ({
    id: row.id,
    name: row.name,
    mrn: row.mrn,
    birthDate: row.birth_date,
    sex: row.sex,
    deceased: row.deceased === 1,
    location: locationOf(row),
  });
  const requirePatient = (id: string): PatientRow & { data: string } => {
    const row = patientById.get(id) as (PatientRow & { data: string }) | undefined;
    if (!row) throw new LanternError('NOT_FOUND', NOT_FOUND);
    return row;
  };
  const encounterLocation = (link: string | null, fallback: BedLocation | null): BedLocation | null => {
    if (!link) return fallback;
    const b = bedById.get(link) as { bed: string; room: string | null; unit_id: string | null; unit_name: string | null } | undefined;
    if (b) return { unit: b.unit_id ? { id: b.unit_id, name: b.unit_name ?? b.unit_id } : null, room: b.room, bed: b.bed };
    const n = entityName.get(link, 'Location', 'Location') as string | undefined;
    return n ? { unit: null, room: null, bed: n } : fallback;
  };

  // ---- search (search.ts) ------------------------------------------------------------------
  const search = createSearch(db, (rowids) =>
    rowids.map((r) => patientByRowid.get(r) as PatientRow | undefined).filter((p): p is PatientRow => p !== undefined).map(summary),
  );

  // ---- per-patient summaries used by census ----------------------------------------------
  function bedsideFlags(pkey: number) {
    const allergies: Allergy[] = [];
    const bedside: BedsideEntry[] = [];
    type FlagRow = { section: number; code: string | null; num: number | null; link: string | null; title: string | null; at: string | null; data: string | null };
    for (const r of censusFlags.iterate(pkey) as Iterable<FlagRow>) {
      if (r.section === S.ALLERGY) {
        if (r.data) allergies.push(parse<Allergy>(r.data));
      } else {
        const e = bedsideEntry(r);
        if (e) bedside.push(e);
      }
    }
    return { allergies: summarizeAllergies(allergies), ...decideBedside(bedside, asOf) };
  }

  function units(): { id: string; name: string; aliases: string[] }[] {
    return (unitsAll.all() as { id: string; name: string; aliases: string }[]).map((u) => ({ id: u.id, name: u.name, aliases: JSON.parse(u.aliases) as string[] }));
  }

  // ---- chart ------------------------------------------------------------------------------
  function chart({ patientId }: { patientId: string }): Chart {
    const p = requirePatient(patientId);
    const detail = JSON.parse(p.data) as Omit<PatientDetail, 'location'>;
    const location = locationOf(p);
    const patient: PatientDetail = { ...detail, location };
    const counts: Record<string, number> = { Patient: 1 };
    const allergies: Allergy[] = [];
    const conditions: Condition[] = [];
    const medications: MedicationOrder[] = [];
    const administrations: Administration[] = [];
    const vitals: ObservationValue[] = [];
    const labs: ObservationValue[] = [];
    const otherObservations: ObservationValue[] = [];
    const notes: Note[] = [];
    const orders: Order[] = [];
    const encounters: EncounterInfo[] = [];
    const procedures: ChartItem[] = [];
    const immunizations: ChartItem[] = [];
    const carePlans: ChartItem[] = [];
    const flags: ChartItem[] = [];
    const reports: ChartItem[] = [];
    const careTeam: { name: string; role: string | null; team: string | null }[] = [];
    const inactiveTeam: typeof careTeam = [];
    const other: RawRecordRef[] = [];
    const bedside: BedsideEntry[] = [];
    let current: EncounterInfo | null = null;
    for (const r of itemsOf.iterate(p.pkey) as Iterable<ItemRow>) {
      counts[r.type] = (counts[r.type] ?? 0) + 1;
      const data = r.data as string;
      switch (r.section) {
        case S.RAW:
          other.push({ type: r.type, id: r.id, summary: r.title ?? r.type });
          break;
        case S.ENCOUNTER: {
          const e = parse<EncounterInfo>(data);
          e.location = encounterLocation(r.link, e.location);
          encounters.push(e);
          if (r.id === p.enc_id) current = e;
          break;
        }
        case S.ALLERGY:
          allergies.push(parse<Allergy>(data));
          break;
        case S.CONDITION:
          conditions.push(parse<Condition>(data));
          break;
        case S.MEDREQ:
          medications.push(parse<MedicationOrder>(data));
          break;
        case S.MEDADMIN:
          administrations.push(parseItem<Administration>(S.MEDADMIN, r));
          break;
        case S.VITAL: {
          const o = parseItem<ObservationValue>(S.VITAL, r);
          vitals.push(o);
          break;
        }
        case S.LAB:
          labs.push(parseItem<ObservationValue>(S.LAB, r));
          break;
        case S.OBS:
          otherObservations.push(parseItem<ObservationValue>(S.OBS, r));
          break;
        case S.CODESTATUS: {
          const v = parse<ObservationValue | ChartItem>(data);
          if ('code' in v) otherObservations.push(v);
          else flags.push(v);
          const e = bedsideEntry(r);
          if (e) bedside.push(e);
          break;
        }
        case S.REPORT:
          reports.push(parse<ChartItem>(data));
          break;
        case S.NOTE:
          notes.push(parse<Note>(data));
          break;
        case S.ORDER:
          orders.push(parse<Order>(data));
          break;
        case S.CAREPLAN:
          carePlans.push(parse<ChartItem>(data));
          break;
        case S.CARETEAM:
          (r.num === 1 ? careTeam : inactiveTeam).push(...parse<typeof careTeam>(data));
          break;
        case S.PROCEDURE:
          procedures.push(parse<ChartItem>(data));
          break;
        case S.IMMUNIZATION:
          immunizations.push(parse<ChartItem>(data));
          break;
        case S.FLAG: {
          flags.push(parse<ChartItem>(data));
          const e = bedsideEntry(r);
          if (e) bedside.push(e);
          break;
        }
        default:
          break;
      }
    }
    if (!current && encounters.length) {
      const active = encounters.filter((e) => ['in-progress', 'arrived', 'triaged', 'onleave'].includes(e.status ?? ''));
      current = active.sort(byAtStart)[0] ?? null;
    }
    for (const list of [allergies, administrations, vitals, labs, otherObservations, notes, procedures, immunizations, carePlans, flags, reports]) {
      (list as { at: string | null }[]).sort(byAtDesc);
    }
    medications.sort((a, b) => medRank(a) - medRank(b) || a.medication.localeCompare(b.medication));
    conditions.sort((a, b) => (a.clinicalStatus === 'active' ? 0 : 1) - (b.clinicalStatus === 'active' ? 0 : 1) || (b.onset ?? '').localeCompare(a.onset ?? ''));
    orders.sort((a, b) => (b.authoredOn ?? '').localeCompare(a.authoredOn ?? ''));
    encounters.sort(byAtStart);
    const fmt = (o: ObservationValue | null) => (o && o.value ? `${o.value}${o.unit ? ` ${o.unit}` : ''}` : null);
    const { codeStatus, isolation } = decideBedside(bedside, asOf);
    const latestVitals = latestOfEachKind(vitals);
    const latestOf = (loinc: string) => latestVitals.find((o) => o.code.code === loinc) ?? null;
    return {
      patient,
      encounter: current,
      codeStatus,
      isolation,
      weight: fmt(latestOf('29463-7')),
      weightAt: latestOf('29463-7')?.at ?? null,
      height: fmt(latestOf('8302-2')),
      heightAt: latestOf('8302-2')?.at ?? null,
      attending: current?.attending ?? (p.attending ? fix(p.attending) : null),
      allergies,
      allergySummary: summarizeAllergies(allergies),
      conditions,
      medications,
      administrations,
      vitals,
      latestVitals,
      labs,
      latestLabs: latestOfEachKind(labs),
      otherObservations,
      notes,
      orders,
      encounters,
      procedures,
      immunizations,
      carePlans,
      flags,
      reports,
      careTeam: careTeam.length ? careTeam : inactiveTeam,
      other,
      counts,
      asOf,
    };
  }

  // ---- MAR --------------------------------------------------------------------------------
  function mar({ patientId, from, to }: { patientId: string; from?: string; to?: string }) {
    const p = requirePatient(patientId);
    // Without a window: the one every screen and print uses.
    const window = marWindow(meta.asOf);
    const toMs = Date.parse(to ?? window.to);
    const fromMs = from ? Date.parse(from) : Math.min(toMs, asOfMs) - MAR_HOURS * HOUR;
    if (!(toMs > fromMs)) throw new LanternError('BAD_REQUEST', 'The MAR window must end after it starts.');
    if (toMs - fromMs > 31 * 24 * HOUR) throw new LanternError('BAD_REQUEST', 'The MAR window can be at most 31 days.');
    const orders = new Map<string, { order: MedicationOrder; aux: OrderAux | null }>();
    for (const r of sectionOf.iterate(p.pkey, S.MEDREQ) as Iterable<ItemRow>) {
      orders.set(r.id, { order: parse<MedicationOrder>(r.data as string), aux: r.aux ? (JSON.parse(r.aux) as OrderAux) : null });
    }
    const adminsByOrder = new Map<string, Administration[]>();
    for (const r of sectionOf.iterate(p.pkey, S.MEDADMIN) as Iterable<ItemRow>) {
      const a = parseItem<Administration>(S.MEDADMIN, r);
      const key = a.orderId && orders.has(a.orderId) ? a.orderId : `unmatched:${a.medication}`;
      let list = adminsByOrder.get(key);
      if (!list) adminsByOrder.set(key, (list = []));
      list.push(a);
    }
    const rows: MarRow[] = [];
    const consider = new Set<string>([...orders.keys(), ...adminsByOrder.keys()]);
    for (const key of consider) {
      const entry = orders.get(key);
      const all = (adminsByOrder.get(key) ?? []).slice().sort((a, b) => (ms(a.at) ?? 0) - (ms(b.at) ?? 0));
      const inWindow = all.filter((a) => {
        const t = ms(a.at);
        return t !== null && t >= fromMs && t <= toMs;
      });
      const order: MedicationOrder = entry?.order ?? {
        id: key.slice(0, 200),
        medication: all[0]?.medication ?? 'Medication',
        dose: null,
        route: null,
        frequency: null,
        prn: false,
        status: 'unknown (no matching order in the extract)',
        intent: null,
        prescriber: null,
        authoredOn: null,
        start: null,
        end: null,
        instructions: null,
      };
      const live = ['active', 'on-hold', 'draft'].includes(order.status);
      if (!live && inWindow.length === 0) continue;
      const lastGivenAdmin = [...all].reverse().find((a) => a.status === 'completed' || a.status === 'in-progress');
      const lastGiven = lastGivenAdmin?.at ?? null;
      let scheduled: string[] = [];
      let nextDue: string | null = null;
      const aux = entry?.aux;
      if (aux && !order.prn && live && order.status !== 'on-hold') {
        const start = ms(aux.start) ?? ms(order.authoredOn);
        const end = ms(aux.end);
        const interval = doseInterval(aux.timing);
        if (start !== null && interval) {
          scheduled = dueTimes(aux.timing, start, end, fromMs, toMs).map((t) => new Date(t).toISOString());
          const lastDoc = [...all].reverse().find((a) => ms(a.at) !== null);
          const after = lastDoc ? (ms(lastDoc.at) as number) + interval / 2 : asOfMs - interval;
          const next = dueTimes(aux.timing, start, end, after, Math.max(after, asOfMs) + 2 * interval + 25 * HOUR).find((t) => t > after);
          nextDue = next === undefined ? null : new Date(next).toISOString();
        }
      }
      rows.push({ order, scheduled, administrations: inWindow, lastGiven, nextDue });
    }
    rows.sort((a, b) => medRank(a.order) - medRank(b.order) || Number(a.order.prn) - Number(b.order.prn) || a.order.medication.localeCompare(b.order.medication));
    return { patient: summary(p), from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), rows, asOf };
  }

  return {
    search,

    census({ unit }) {
      const all = units();
      let chosen: UnitRef | null = null;
      if (unit) {
        const u = unit.toLowerCase();
        const found = all.find((x) => x.id === unit) ?? all.find((x) => x.aliases.includes(u) || x.name.toLowerCase() === u);
        if (!found) throw new LanternError('NOT_FOUND', 'That unit is not in this snapshot. Choose one of the listed units.');
        chosen = { id: found.id, name: found.name };
      }
      const beds: CensusBed[] = [];
      for (const r of censusBeds.iterate(chosen?.id ?? null, chosen?.id ?? null) as Iterable<PatientRow & { loc_id: string; bedname: string; roomname: string | null }>) {
        if (r.id === null) {
          beds.push({ locationId: r.loc_id, room: r.roomname, bed: r.bedname, patient: null });
          continue;
        }
        const f = bedsideFlags(r.pkey);
        beds.push({
          locationId: r.loc_id,
          room: r.roomname,
          bed: r.bedname,
          patient: { ...summary(r), ...f, admitDate: r.admit, attending: r.attending ? fix(r.attending) : null },
        });
      }
      return { unit: chosen, units: all.map((u) => ({ id: u.id, name: u.name })), beds, asOf };
    },

    chart,
    mar,

    series({ patientId, code }) {
      const p = requirePatient(patientId);
      const want = code.includes('|') ? code.slice(code.lastIndexOf('|') + 1) : code;
      const points: { at: string; numeric: number; interpretation: string | null; abnormal: boolean }[] = [];
      let found: ObservationValue['code'] | null = null;
      let unit: string | null = null;
      let range: string | null = null;
      for (const section of [S.VITAL, S.LAB, S.OBS]) {
        for (const r of sectionOf.iterate(p.pkey, section) as Iterable<ItemRow>) {
          const direct = r.code === want;
          if (!direct && !(r.data as string).includes(want)) continue;
          const o = decodeItemData<ObservationValue>(section, { id: r.id, at: r.at, link: r.link, data: r.data as string });
          if (!o.at) continue;
          if (direct) {
            if (o.numeric === null) continue;
            found ??= o.code;
            unit ??= o.unit;
            range ??= o.referenceRange;
            points.push({ at: o.at, numeric: o.numeric, interpretation: o.interpretation, abnormal: o.abnormal });
          } else {
            const c = o.components.find((x) => x.code.code === want);
            if (!c || c.numeric === null) continue;
            found ??= c.code;
            unit ??= c.unit;
            points.push({ at: o.at, numeric: c.numeric, interpretation: o.interpretation, abnormal: o.abnormal });
          }
        }
      }
      points.sort((a, b) => (ms(a.at) ?? 0) - (ms(b.at) ?? 0));
      return { code: found ?? { code: want, system: null, display: want }, unit, referenceRange: range, points };
    },

    record({ patientId, type, id }) {
      const p = requirePatient(patientId);
      if (type === 'Patient' && id === p.id) return { type, id, json: patientRaw.get(p.id) as string };
      const r = recordItem.get(p.pkey, type, id) as { section: number; id: string; at: string | null; link: string | null; data: string; raw: string | null } | undefined;
      if (!r) throw new LanternError('NOT_FOUND', 'That record is not in this patient’s chart in this snapshot.');
      return { type, id, json: r.section === S.RAW ? r.data : r.raw ?? itemDataJson(r.section, r) };
    },

    protocols(): ProtocolInfo[] {
      return protocolList.all() as ProtocolInfo[];
    },

    protocolSearch({ text }) {
      const words = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      if (!words.length) return [];
      const q = words.map((w, i) => (i === words.length - 1 ? `${ftsQuote(w)}*` : ftsQuote(w))).join(' ');
      return protocolSearch.all(q) as (ProtocolInfo & { snippet: string })[];
    },

    protocolOpen({ id }) {
      const r = protocolOpen.get(id) as (ProtocolInfo & { text: string | null; bytes: Buffer | null }) | undefined;
      if (!r) throw new LanternError('NOT_FOUND', 'That protocol is not in this snapshot.');
      return { id: r.id, title: r.title, category: r.category, kind: r.kind, size: r.size, text: r.text, base64: r.bytes ? r.bytes.toString('base64') : null };
    },
  };

  function byAtStart(a: EncounterInfo, b: EncounterInfo): number {
    return (b.start ?? '').localeCompare(a.start ?? '');
  }
}

/** Active orders first, then on-hold, then the rest. */
function medRank(o: MedicationOrder): number {
  return o.status === 'active' ? 0 : o.status === 'on-hold' ? 1 : o.status === 'draft' ? 2 : 3;
}
