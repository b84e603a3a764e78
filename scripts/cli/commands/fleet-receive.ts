import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startHeartbeatReceiver } from '../../../electron/core/home/fleet-receiver';
import { certificatesFromPem } from '../../../electron/core/snapshot/pki/certs';
import { CliError, defineCommand, intOption, stringOption } from '../command';

const read = (file: string, what: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`The ${what} ${file} cannot be read.`);
  }
};

export default defineCommand({
  name: 'fleet receive',
  usage: 'lantern fleet receive --dir DIR --trust FILE --cert FILE --key FILE [--port N] [--host ADDRESS]',
  summary: "Take the stations' heartbeats over HTTPS (PUT …/STATION.heartbeat.json) into a folder for lantern fleet report.",
  details: [
    '--dir DIR      where each verified heartbeat replaces its station\'s file',
    '--trust FILE   the hospital CA certificate(s), PEM: a heartbeat that does not verify against it,',
    '               or is signed for another station than its address names, is refused (403)',
    '--cert FILE    this server\'s TLS certificate (PEM), --key FILE its key',
    '--port N       default 8443; --host ADDRESS default 0.0.0.0 (every address)',
    'Runs until stopped (Ctrl+C); one line per heartbeat taken or refused.',
  ].join('\n'),
  positionals: 0,
  required: ['dir', 'trust', 'cert', 'key'],
  options: {
    dir: { type: 'string' },
    trust: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
  },
  run: async ({ values }, io) => {
    const trust = stringOption(values, 'trust')!;
    const anchors = certificatesFromPem(read(trust, 'trust file')).filter((c) => c.ca);
    if (anchors.length === 0) throw new CliError(`The trust file ${trust} holds no CA certificate (PEM).`);
    const receiver = await startHeartbeatReceiver({
      dir: path.resolve(stringOption(values, 'dir')!),
      anchors,
      tls: { cert: read(stringOption(values, 'cert')!, 'certificate file'), key: read(stringOption(values, 'key')!, 'key file') },
      port: intOption(values, 'port', 8443, 0, 65535),
      host: stringOption(values, 'host'),
      log: (line) => io.out(`${new Date().toISOString()} ${line}`),
    });
    io.out(`Taking heartbeats at ${receiver.url}/…/STATION.heartbeat.json`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await receiver.close();
    io.out('stopped');
    return 0;
  },
});
