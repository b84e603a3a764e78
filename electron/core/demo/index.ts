export { generateHospital, type GenerateOptions, type GenerateSummary, type GeneratedUnit } from './generate';
export { makePdf, protocolSources, writeProtocols } from './protocols';
