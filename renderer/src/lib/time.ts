export { formatAge } from '../../../electron/shared/time-text';

export { datedWhenOld, formatAgeAt, formatClock, formatDate, formatDateTime, formatDay, formatStamp } from '../../../electron/shared/time-text';
