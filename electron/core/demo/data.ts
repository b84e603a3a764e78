/** Vocabulary of the synthetic hospital: names, drugs, problems, labs. Plausible, obviously synthetic. */

export const FIRST_F = [
  'Mary', 'Patricia', 'Linda', 'Barbara', 'Elizabeth', 'Jennifer', 'Maria', 'Susan', 'Margaret', 'Dorothy',
  'Lisa', 'Nancy', 'Karen', 'Betty', 'Helen', 'Sandra', 'Donna', 'Carol', 'Ruth', 'Sharon', 'Michelle',
  'Laura', 'Sarah', 'Kimberly', 'Deborah', 'Jessica', 'Shirley', 'Cynthia', 'Angela', 'Melissa', 'Brenda',
  'Amy', 'Anna', 'Rebecca', 'Virginia', 'Kathleen', 'Pamela', 'Martha', 'Debra', 'Amanda', 'Rosa', 'Mei',
  'Aisha', 'Priya', 'Fatima', 'Yuki', 'Ingrid', 'Olga', 'Lucia', 'Noor',
];
export const FIRST_M = [
  'James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Charles', 'Joseph', 'Thomas',
  'Christopher', 'Daniel', 'Paul', 'Mark', 'Donald', 'George', 'Kenneth', 'Steven', 'Edward', 'Brian',
  'Ronald', 'Anthony', 'Kevin', 'Jason', 'Matthew', 'Gary', 'Timothy', 'Jose', 'Larry', 'Jeffrey', 'Frank',
  'Scott', 'Eric', 'Stephen', 'Andrew', 'Raymond', 'Gregory', 'Joshua', 'Jerry', 'Dennis', 'Wei', 'Omar',
  'Rahul', 'Kenji', 'Lars', 'Dmitri', 'Mateo', 'Kwame', 'Ahmed', 'Luis',
];
export const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green',
  'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Kowalski',
  'Okafor', 'Haddad', 'Johansson', 'Novak', 'Tanaka', 'Schmidt', 'Petrov', 'Murphy', "O'Brien",
  'Fitzgerald', 'Castellanos', 'Abernathy', 'Whitfield', 'Lindqvist', 'Delacroix', 'Nakamura', 'Osei',
];
export const STREETS = ['Example', 'Sample', 'Test', 'Demo', 'Placeholder', 'Mock'];

export interface Drug {
  name: string;
  rxnorm: string;
  dose: number;
  unit: string;
  route: string;
  /** Timing code; PRN orders carry prn=true. */
  code: string;
  prn?: boolean;
}

export const DRUGS: Drug[] = [
  { name: 'Acetaminophen 325 MG Oral Tablet', rxnorm: '313782', dose: 650, unit: 'mg', route: 'Oral', code: 'Q6H', prn: true },
  { name: 'Metoprolol Tartrate 25 MG Oral Tablet', rxnorm: '866924', dose: 25, unit: 'mg', route: 'Oral', code: 'BID' },
  { name: 'Lisinopril 10 MG Oral Tablet', rxnorm: '314076', dose: 10, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Heparin Sodium 5000 UNT/ML Injectable Solution', rxnorm: '1361615', dose: 5000, unit: 'U', route: 'Subcutaneous', code: 'Q8H' },
  { name: 'Enoxaparin Sodium 40 MG/0.4ML Prefilled Syringe', rxnorm: '854235', dose: 40, unit: 'mg', route: 'Subcutaneous', code: 'QD' },
  { name: 'Pantoprazole 40 MG Delayed Release Oral Tablet', rxnorm: '314200', dose: 40, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Insulin Lispro 100 UNT/ML Injectable Solution', rxnorm: '242120', dose: 4, unit: 'U', route: 'Subcutaneous', code: 'TID' },
  { name: 'Insulin Glargine 100 UNT/ML Injectable Solution', rxnorm: '261551', dose: 20, unit: 'U', route: 'Subcutaneous', code: 'QD' },
  { name: 'Ceftriaxone 1000 MG Injection', rxnorm: '1665021', dose: 1, unit: 'g', route: 'Intravenous', code: 'Q24H' },
  { name: 'Vancomycin 1000 MG Injection', rxnorm: '1807510', dose: 1250, unit: 'mg', route: 'Intravenous', code: 'Q12H' },
  { name: 'Piperacillin 4000 MG / Tazobactam 500 MG Injection', rxnorm: '1659149', dose: 4.5, unit: 'g', route: 'Intravenous', code: 'Q8H' },
  { name: 'Furosemide 10 MG/ML Injectable Solution', rxnorm: '1719286', dose: 40, unit: 'mg', route: 'Intravenous', code: 'BID' },
  { name: 'Atorvastatin 40 MG Oral Tablet', rxnorm: '617311', dose: 40, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Aspirin 81 MG Chewable Tablet', rxnorm: '243670', dose: 81, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Ondansetron 2 MG/ML Injectable Solution', rxnorm: '1740467', dose: 4, unit: 'mg', route: 'Intravenous', code: 'Q6H', prn: true },
  { name: 'Morphine Sulfate 2 MG/ML Injectable Solution', rxnorm: '1732136', dose: 2, unit: 'mg', route: 'Intravenous', code: 'Q4H', prn: true },
  { name: 'Oxycodone Hydrochloride 5 MG Oral Tablet', rxnorm: '1049621', dose: 5, unit: 'mg', route: 'Oral', code: 'Q4H', prn: true },
  { name: 'Docusate Sodium 100 MG Oral Capsule', rxnorm: '1247398', dose: 100, unit: 'mg', route: 'Oral', code: 'BID' },
  { name: 'Sennosides 8.6 MG Oral Tablet', rxnorm: '312935', dose: 8.6, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Potassium Chloride 20 MEQ Extended Release Oral Tablet', rxnorm: '628953', dose: 20, unit: 'meq', route: 'Oral', code: 'BID' },
  { name: 'Levothyroxine Sodium 0.05 MG Oral Tablet', rxnorm: '966222', dose: 50, unit: 'ug', route: 'Oral', code: 'QD' },
  { name: 'Amlodipine 5 MG Oral Tablet', rxnorm: '197361', dose: 5, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Metformin Hydrochloride 500 MG Oral Tablet', rxnorm: '861007', dose: 500, unit: 'mg', route: 'Oral', code: 'BID' },
  { name: 'Albuterol 0.83 MG/ML Inhalation Solution', rxnorm: '245314', dose: 2.5, unit: 'mg', route: 'Inhalation', code: 'Q4H', prn: true },
  { name: 'Ipratropium / Albuterol Inhalation Solution', rxnorm: '836286', dose: 3, unit: 'mL', route: 'Inhalation', code: 'Q6H' },
  { name: 'Prednisone 20 MG Oral Tablet', rxnorm: '312615', dose: 40, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Famotidine 20 MG Oral Tablet', rxnorm: '310273', dose: 20, unit: 'mg', route: 'Oral', code: 'BID' },
  { name: 'Chlorhexidine Gluconate 1.2 MG/ML Mouthwash', rxnorm: '1000127', dose: 15, unit: 'mL', route: 'Oral', code: 'BID' },
  { name: 'Melatonin 3 MG Oral Tablet', rxnorm: '1306195', dose: 3, unit: 'mg', route: 'Oral', code: 'QD', prn: true },
  { name: 'Lorazepam 2 MG/ML Injectable Solution', rxnorm: '1665326', dose: 0.5, unit: 'mg', route: 'Intravenous', code: 'Q6H', prn: true },
  { name: 'Hydralazine 20 MG/ML Injectable Solution', rxnorm: '966571', dose: 10, unit: 'mg', route: 'Intravenous', code: 'Q6H', prn: true },
  { name: 'Tamsulosin 0.4 MG Oral Capsule', rxnorm: '863669', dose: 0.4, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Gabapentin 300 MG Oral Capsule', rxnorm: '310431', dose: 300, unit: 'mg', route: 'Oral', code: 'TID' },
  { name: 'Sertraline 50 MG Oral Tablet', rxnorm: '312940', dose: 50, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Apixaban 5 MG Oral Tablet', rxnorm: '1364445', dose: 5, unit: 'mg', route: 'Oral', code: 'BID' },
  { name: 'Carvedilol 6.25 MG Oral Tablet', rxnorm: '200031', dose: 6.25, unit: 'mg', route: 'Oral', code: 'BID' },
  { name: 'Nicotine 21 MG/24HR Transdermal System', rxnorm: '198029', dose: 21, unit: 'mg', route: 'Transdermal', code: 'QD' },
  { name: 'Multivitamin Oral Tablet', rxnorm: '1008549', dose: 1, unit: 'tablet', route: 'Oral', code: 'QD' },
  { name: 'Thiamine 100 MG Oral Tablet', rxnorm: '316812', dose: 100, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Folic Acid 1 MG Oral Tablet', rxnorm: '310410', dose: 1, unit: 'mg', route: 'Oral', code: 'QD' },
  { name: 'Cefazolin 2000 MG Injection', rxnorm: '1665060', dose: 2, unit: 'g', route: 'Intravenous', code: 'Q8H' },
  { name: 'Metronidazole 5 MG/ML Injectable Solution', rxnorm: '1664986', dose: 500, unit: 'mg', route: 'Intravenous', code: 'Q8H' },
  { name: 'Dexamethasone 4 MG/ML Injectable Solution', rxnorm: '1812194', dose: 6, unit: 'mg', route: 'Intravenous', code: 'QD' },
  { name: 'Magnesium Oxide 400 MG Oral Tablet', rxnorm: '311486', dose: 400, unit: 'mg', route: 'Oral', code: 'BID' },
  { name: 'Polyethylene Glycol 3350 Oral Powder', rxnorm: '876193', dose: 17, unit: 'g', route: 'Oral', code: 'QD', prn: true },
  { name: 'Quetiapine 25 MG Oral Tablet', rxnorm: '312743', dose: 25, unit: 'mg', route: 'Oral', code: 'QHS', prn: true },
];

export const ALLERGENS: { text: string; code: string; category: string; reaction: string; criticality: string; severity: string }[] = [
  { text: 'Penicillin G', code: '7980', category: 'medication', reaction: 'Hives', criticality: 'high', severity: 'moderate' },
  { text: 'Sulfamethoxazole', code: '10180', category: 'medication', reaction: 'Rash', criticality: 'low', severity: 'mild' },
  { text: 'Latex', code: '111088007', category: 'environment', reaction: 'Contact dermatitis', criticality: 'high', severity: 'moderate' },
  { text: 'Peanut', code: '91935009', category: 'food', reaction: 'Anaphylaxis', criticality: 'high', severity: 'severe' },
  { text: 'Morphine', code: '7052', category: 'medication', reaction: 'Nausea and vomiting', criticality: 'low', severity: 'mild' },
  { text: 'Codeine', code: '2670', category: 'medication', reaction: 'Itching', criticality: 'low', severity: 'mild' },
  { text: 'Iodinated contrast media', code: '293637006', category: 'medication', reaction: 'Urticaria', criticality: 'high', severity: 'moderate' },
  { text: 'Aspirin', code: '1191', category: 'medication', reaction: 'Bronchospasm', criticality: 'high', severity: 'severe' },
  { text: 'Shellfish', code: '227037002', category: 'food', reaction: 'Angioedema', criticality: 'high', severity: 'severe' },
  { text: 'Vancomycin', code: '11124', category: 'medication', reaction: 'Red man syndrome', criticality: 'low', severity: 'moderate' },
  { text: 'Ciprofloxacin', code: '2551', category: 'medication', reaction: 'Tendon pain', criticality: 'low', severity: 'mild' },
  { text: 'Bee venom', code: '288328004', category: 'environment', reaction: 'Anaphylaxis', criticality: 'high', severity: 'severe' },
];

export const PROBLEMS: { code: string; text: string }[] = [
  { code: '38341003', text: 'Hypertension' },
  { code: '44054006', text: 'Type 2 diabetes mellitus' },
  { code: '42343007', text: 'Congestive heart failure' },
  { code: '13645005', text: 'Chronic obstructive pulmonary disease' },
  { code: '49436004', text: 'Atrial fibrillation' },
  { code: '233604007', text: 'Pneumonia' },
  { code: '91302008', text: 'Sepsis' },
  { code: '709044004', text: 'Chronic kidney disease' },
  { code: '14669001', text: 'Acute kidney injury' },
  { code: '22298006', text: 'Myocardial infarction' },
  { code: '230690007', text: 'Cerebrovascular accident' },
  { code: '68566005', text: 'Urinary tract infection' },
  { code: '128053003', text: 'Deep venous thrombosis' },
  { code: '59282003', text: 'Pulmonary embolism' },
  { code: '5935008', text: 'Hip fracture' },
  { code: '35489007', text: 'Major depressive disorder' },
  { code: '40055000', text: 'Chronic sinusitis' },
  { code: '55822004', text: 'Hyperlipidemia' },
  { code: '40930008', text: 'Hypothyroidism' },
  { code: '128613002', text: 'Seizure disorder' },
  { code: '7200002', text: 'Alcoholism' },
  { code: '363406005', text: 'Colon cancer' },
  { code: '254637007', text: 'Non-small cell lung cancer' },
  { code: '235595009', text: 'Gastrointestinal hemorrhage' },
  { code: '27942005', text: 'Cellulitis' },
];

export interface LabDef {
  loinc: string;
  text: string;
  unit: string;
  low: number;
  high: number;
  mean: number;
  sd: number;
  decimals: number;
}

export const BMP: LabDef[] = [
  { loinc: '2951-2', text: 'Sodium [Moles/volume] in Serum or Plasma', unit: 'mmol/L', low: 136, high: 145, mean: 139, sd: 4, decimals: 0 },
  { loinc: '2823-3', text: 'Potassium [Moles/volume] in Serum or Plasma', unit: 'mmol/L', low: 3.5, high: 5.1, mean: 4.2, sd: 0.5, decimals: 1 },
  { loinc: '2075-0', text: 'Chloride [Moles/volume] in Serum or Plasma', unit: 'mmol/L', low: 98, high: 107, mean: 102, sd: 3, decimals: 0 },
  { loinc: '2028-9', text: 'Carbon dioxide, total [Moles/volume] in Serum or Plasma', unit: 'mmol/L', low: 22, high: 29, mean: 25, sd: 3, decimals: 0 },
  { loinc: '3094-0', text: 'Urea nitrogen [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 7, high: 20, mean: 18, sd: 8, decimals: 0 },
  { loinc: '2160-0', text: 'Creatinine [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 0.6, high: 1.2, mean: 1.1, sd: 0.4, decimals: 2 },
  { loinc: '2345-7', text: 'Glucose [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 70, high: 99, mean: 120, sd: 35, decimals: 0 },
];
export const CBC: LabDef[] = [
  { loinc: '6690-2', text: 'Leukocytes [#/volume] in Blood by Automated count', unit: '10*3/uL', low: 4.5, high: 11, mean: 9, sd: 3.5, decimals: 1 },
  { loinc: '718-7', text: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/dL', low: 12, high: 17.5, mean: 12.5, sd: 2, decimals: 1 },
  { loinc: '4544-3', text: 'Hematocrit [Volume Fraction] of Blood by Automated count', unit: '%', low: 36, high: 52, mean: 38, sd: 5, decimals: 1 },
  { loinc: '777-3', text: 'Platelets [#/volume] in Blood by Automated count', unit: '10*3/uL', low: 150, high: 400, mean: 230, sd: 70, decimals: 0 },
];
export const EXTRA_LABS: LabDef[] = [
  { loinc: '19123-9', text: 'Magnesium [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 1.7, high: 2.2, mean: 1.9, sd: 0.25, decimals: 1 },
  { loinc: '2524-7', text: 'Lactate [Moles/volume] in Serum or Plasma', unit: 'mmol/L', low: 0.5, high: 2.2, mean: 1.8, sd: 0.9, decimals: 1 },
  { loinc: '6301-6', text: 'INR in Platelet poor plasma by Coagulation assay', unit: '{INR}', low: 0.8, high: 1.2, mean: 1.2, sd: 0.35, decimals: 1 },
];

export const ORDERS: { text: string; category: string; code: string }[] = [
  { text: 'Diet: cardiac, 2 g sodium', category: 'Diet', code: '182922004' },
  { text: 'Diet: NPO after midnight', category: 'Diet', code: '182923009' },
  { text: 'Diet: consistent carbohydrate', category: 'Diet', code: '160670007' },
  { text: 'Activity: ambulate with assistance three times daily', category: 'Nursing', code: '129006008' },
  { text: 'Continuous telemetry monitoring', category: 'Nursing', code: '448703006' },
  { text: 'Strict intake and output', category: 'Nursing', code: '386373004' },
  { text: 'Fall precautions', category: 'Nursing', code: '386464006' },
  { text: 'Fingerstick glucose before meals and at bedtime', category: 'Nursing', code: '413763004' },
  { text: 'Basic metabolic panel daily', category: 'Laboratory', code: '24320-4' },
  { text: 'Complete blood count daily', category: 'Laboratory', code: '58410-2' },
  { text: 'Chest X-ray, portable', category: 'Imaging', code: '399208008' },
  { text: 'CT head without contrast', category: 'Imaging', code: '169069000' },
  { text: 'Physical therapy evaluation and treatment', category: 'Consult', code: '710830005' },
  { text: 'Consult: cardiology', category: 'Consult', code: '183519002' },
  { text: 'Consult: infectious diseases', category: 'Consult', code: '183561008' },
  { text: 'Sequential compression devices, bilateral', category: 'Nursing', code: '428648006' },
];

export const ISOLATION = [
  { text: 'Contact isolation: MRSA', code: '170475000' },
  { text: 'Contact isolation: C. difficile (enteric precautions)', code: '170475000' },
  { text: 'Droplet isolation: influenza', code: '170476004' },
  { text: 'Airborne isolation: rule out tuberculosis', code: '170477008' },
];

export const CODE_STATUS = [
  { text: 'Full code', code: '304252001', weight: 0.72 },
  { text: 'DNR (do not resuscitate)', code: '304253006', weight: 0.12 },
  { text: 'DNR/DNI (do not resuscitate, do not intubate)', code: '450476008', weight: 0.1 },
  { text: 'Comfort measures only', code: '385736008', weight: 0.06 },
];
