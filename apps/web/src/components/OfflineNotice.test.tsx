import { onlineManager } from '@tanstack/react-query';
import { act, screen } from '@testing-library/react';
import { renderWithProviders } from '../test/render';

describe('OfflineNotice', () => {
  afterEach(() => act(() => onlineManager.setOnline(true)));

  it('says the app is offline while it is, and goes away when the connection is back', async () => {
    renderWithProviders(<p>page</p>);
    expect(await screen.findByText('page')).toBeInTheDocument();
    expect(screen.queryByText('You are offline')).not.toBeInTheDocument();
    act(() => onlineManager.setOnline(false));
    expect(screen.getByRole('status')).toHaveTextContent('You are offline');
    act(() => onlineManager.setOnline(true));
    expect(screen.queryByText('You are offline')).not.toBeInTheDocument();
  });
});
