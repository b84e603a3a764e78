import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FOR_IT } from '../../electron/shared/errors';
import { ErrorNotice, LoadView } from '../../renderer/src/components/LoadState';

describe('an error on screen', () => {
  it('says when the message is for IT, since a nurse is reading it', () => {
    const forIt = renderToStaticMarkup(
      <LoadView load={{ state: 'error', error: { code: 'UNAVAILABLE', message: 'The disk is full.', audience: 'it' } }} what="census">
        {() => null}
      </LoadView>,
    );
    expect(forIt).toContain('Could not show the census.');
    expect(forIt).toContain('The disk is full.');
    expect(forIt).toContain(`<p data-testid="error-for-it">${FOR_IT}</p>`);
    const forNurse = renderToStaticMarkup(<ErrorNotice title="Could not show the chart." message="That patient is not in this snapshot." audience="nurse" />);
    expect(forNurse).toContain('That patient is not in this snapshot.');
    expect(forNurse).not.toContain('error-for-it');
  });
});
