import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Downtime protocols and forms of the synthetic hospital, written as files under
 * protocols/<category>/ (Markdown, HTML, plain text and a PDF made here).
 */

/** A minimal, valid PDF: the title, then each page's lines in Helvetica (no PDF library needed). */
export function makePdf(title: string, pages: string[][]): Buffer {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const catalog = add('<< /Type /Catalog /Pages 2 0 R >>');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids = pages.map((lines, i) => {
    // The title heads the first page; every page is plain Helvetica text lines.
    const heading = i === 0 ? ['/F1 16 Tf', `(${esc(title)}) Tj`, '0 -28 Td'] : [];
    const ops = ['BT', '72 740 Td', ...heading, '/F1 11 Tf', ...lines.flatMap((l) => [`(${esc(l)}) Tj`, '0 -16 Td']), 'ET'].join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(ops, 'latin1')} >>\nstream\n${ops}\nendstream`);
    return add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Contents ${content} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`);
  });
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const info = add(`<< /Title (${esc(title)}) /Producer (Lantern) >>`);
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

interface ProtocolSource {
  path: string;
  content: string | Buffer;
}

const DEMO = 'DEMO HOSPITAL — synthetic content for demonstration, not clinical guidance.';

export function protocolSources(facility: string): ProtocolSource[] {
  return [
    {
      path: 'downtime/ehr-downtime-procedure.md',
      content: `# EHR downtime procedure\n\n_${DEMO}_\n\n${facility}: what to do when the electronic health record is unavailable.\n\n## First 15 minutes\n\n1. Confirm the outage with the IT service desk (extension 5-HELP).\n2. Open Lantern on the unit downtime workstation and check the **data-as-of** time.\n3. Print the unit census and each patient's medication administration record (MAR).\n4. Switch to paper documentation: downtime MAR, vital signs flowsheet, order requisitions.\n\n## During the downtime\n\n- Document medication administration on the paper MAR, with time and initials.\n- Send lab and imaging requests on paper requisitions; call critical results to the unit.\n- Verify allergies with the patient or family before any new medication.\n\n## Recovery\n\n- Back-enter critical documentation once the EHR returns (medications first).\n- File paper records with health information management.\n`,
    },
    {
      path: 'downtime/downtime-roles.txt',
      content: `DOWNTIME ROLES AND RESPONSIBILITIES\n${DEMO}\n\nCharge nurse: prints census and MARs from the downtime viewer, assigns a runner for labs.\nUnit clerk: keeps the paper order log and the downtime requisition forms.\nPharmacy: verifies new orders by phone and fax; dispenses from the paper order copy.\nHouse supervisor: coordinates with IT on expected recovery time, every 2 hours.\n`,
    },
    {
      path: 'medication/downtime-medication-administration.md',
      content: `# Medication administration during downtime\n\n_${DEMO}_\n\n- Use the printed MAR as the source of scheduled doses; confirm the **next due** time.\n- Two identifiers (name and MRN) before every dose, and check the allergy list.\n- High-alert medications (insulin, heparin, opioids) need an independent double check.\n- Record held and refused doses with the reason.\n- PRN doses: record the indication and reassess within 1 hour.\n`,
    },
    {
      path: 'medication/insulin-sliding-scale.html',
      content: `<!doctype html><html><head><title>Insulin sliding scale (downtime)</title></head><body>\n<h1>Insulin lispro sliding scale</h1>\n<p><em>${DEMO}</em></p>\n<table border="1"><tr><th>Glucose (mg/dL)</th><th>Dose (units)</th></tr>\n<tr><td>70-150</td><td>0</td></tr><tr><td>151-200</td><td>2</td></tr><tr><td>201-250</td><td>4</td></tr>\n<tr><td>251-300</td><td>6</td></tr><tr><td>301-350</td><td>8</td></tr><tr><td>&gt;350</td><td>10 and call provider</td></tr></table>\n<p>Glucose under 70 mg/dL: follow the hypoglycemia protocol.</p>\n</body></html>\n`,
    },
    {
      path: 'emergency/rapid-response-criteria.txt',
      content: `RAPID RESPONSE TEAM: CALLING CRITERIA\n${DEMO}\n\nCall the rapid response team (dial 5-5555) for any of:\n- Heart rate under 40 or over 130\n- Systolic blood pressure under 90\n- Respiratory rate under 8 or over 28\n- Oxygen saturation under 90% despite oxygen\n- Acute change in mental status\n- Staff or family worried about the patient\n`,
    },
    {
      path: 'emergency/code-blue.md',
      content: `# Code blue during EHR downtime\n\n_${DEMO}_\n\n1. Call 5-5555, state "code blue", unit and room.\n2. Check the code status in the downtime viewer or on the census print-out.\n3. Document on the paper code record; the recorder keeps the time line.\n`,
    },
    {
      path: 'infection-control/isolation-precautions.md',
      content: `# Isolation precautions\n\n_${DEMO}_\n\n| Type | Examples | Gear |\n| --- | --- | --- |\n| Contact | MRSA, VRE, C. difficile | gown and gloves; soap and water for C. difficile |\n| Droplet | influenza, pertussis | surgical mask within 6 feet |\n| Airborne | tuberculosis, measles, varicella | N95 respirator, negative-pressure room |\n`,
    },
    {
      path: 'forms/paper-mar.html',
      content: `<!doctype html><html><head><title>Downtime medication administration record</title></head><body>\n<h1>Downtime MAR</h1><p><em>${DEMO}</em></p>\n<p>Patient name: ____________ MRN: ____________ DOB: ____________</p>\n<table border="1"><tr><th>Medication, dose, route, frequency</th><th>Time</th><th>Initials</th><th>Held/refused, reason</th></tr>\n<tr><td>&nbsp;</td><td></td><td></td><td></td></tr><tr><td>&nbsp;</td><td></td><td></td><td></td></tr></table>\n</body></html>\n`,
    },
    {
      path: 'forms/downtime-lab-requisition.pdf',
      content: makePdf('Downtime laboratory requisition', [[
        DEMO.replace('—', '-'),
        `${facility}`,
        'Patient name: ______________________   MRN: ______________   DOB: __________',
        'Unit / room / bed: ____________________   Ordering provider: ________________',
        '[ ] Basic metabolic panel   [ ] Complete blood count   [ ] Magnesium',
        '[ ] Lactate   [ ] PT/INR   [ ] Type and screen   [ ] Blood cultures x2',
        'Collected by: ____________   Date/time: ______________',
        'Send with specimen; keep the carbon copy on the unit downtime log.',
      ]]),
    },
  ];
}

export async function writeProtocols(outDir: string, facility: string): Promise<number> {
  const sources = protocolSources(facility);
  for (const s of sources) {
    const file = path.join(outDir, 'protocols', ...s.path.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, s.content);
  }
  return sources.length;
}
