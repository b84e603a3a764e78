import type { AppInfo, AppStatus, SnapshotStatus } from '../../electron/shared/contract';
import type { Route } from './lib/route';
import { CensusView } from './views/CensusView';
import { ChartView } from './views/ChartView';

export interface ScreenProps {
  route: Route;
  status: AppStatus;
  snapshot: SnapshotStatus;
  shell: AppInfo['shell'];
  now: number;
  onUnit: (name: string | null) => void;
}

/** The screen for the current route. */
export function Screen({ route, now, onUnit }: ScreenProps) {
  switch (route.name) {
    case 'census':
      return <CensusView unit={route.unit} now={now} onUnit={onUnit} />;
    case 'chart':
      return <ChartView key={route.patientId} patientId={route.patientId} section={route.section} now={now} onUnit={onUnit} />;
    default:
      return <CensusView unit={null} now={now} onUnit={onUnit} />;
  }
}
