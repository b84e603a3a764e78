/**
 * Which encounters are current: FHIR R4 Encounter.status in-progress, arrived, triaged or
 * onleave (the patient is here, or away for now and expected back). planned, finished,
 * cancelled, entered-in-error and unknown are not. The mapper marks stored encounter rows by
 * it, and the chart picks its current encounter by it.
 */
export const CURRENT_ENCOUNTER_STATUSES: ReadonlySet<string> = new Set(['in-progress', 'arrived', 'triaged', 'onleave']);

export const isCurrentEncounter = (status: string | null | undefined): boolean => status != null && CURRENT_ENCOUNTER_STATUSES.has(status);
