import type { AppInfo, AppStatus, SnapshotStatus } from '../../electron/shared/contract';
import type { Route } from './lib/route';
import { CensusView } from './views/CensusView';
import { ChartView } from './views/ChartView';
import { PrintView } from './views/PrintView';
import { ProtocolsView } from './views/ProtocolsView';

export interface ScreenProps {
  route: Route;
  status: AppStatus;
  snapshot: SnapshotStatus;
  shell: AppInfo['shell'];
  now: number;
  onUnit: (name: string | null) => void;
}

/** The screen for the current route. */
export function Screen({ route, status, snapshot, shell, now, onUnit }: ScreenProps) {
  // A chart is asked for again when the expired copy's state changes (it expired, was acknowledged, a newer one came).
  const expiry = status.expired ? `${status.expired.sequence}:${status.expired.charts}` : 'current';
  switch (route.name) {
    case 'census':
      return <CensusView unit={route.unit} all={route.all === true} now={now} onUnit={onUnit} />;
    case 'chart':
      return <ChartView key={`${route.patientId}/${expiry}`} patientId={route.patientId} section={route.section} now={now} onUnit={onUnit} />;
    case 'protocols':
      return <ProtocolsView id={route.id} />;
    case 'print':
      return <PrintView key={`${route.kind}/${route.id}/${expiry}`} kind={route.kind} id={route.id} status={status} snapshot={snapshot} shell={shell} onUnit={onUnit} />;
  }
}
