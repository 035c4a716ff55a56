import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeSession } from '../../../test/factories';
import { renderWithProviders } from '../../../test/render';
import { ItemLink } from './ItemLink';

const license = {
  type: 'license' as const,
  id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  label: '****-****-****-NPQR',
};

describe(ItemLink.name, () => {
  it('links to the item for a viewer who may open its page', async () => {
    renderWithProviders(<ItemLink item={license} />, {
      session: makeSession({ isAdmin: false, permissions: ['audit_log:read', 'licenses:read'] }),
    });
    expect(await screen.findByRole('link', { name: license.label })).toHaveAttribute(
      'href',
      `/licenses/${license.id}`,
    );
  });

  it('is plain text, saying why on hover, for a viewer who may not', async () => {
    renderWithProviders(<ItemLink item={license} />, {
      session: makeSession({ isAdmin: false, permissions: ['audit_log:read'] }),
    });
    const text = await screen.findByText(license.label);
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
    await userEvent.hover(text);
    expect(
      await screen.findByText("You don't have permission to view licenses"),
    ).toBeInTheDocument();
  });

  it('is plain text for items without a page', async () => {
    renderWithProviders(
      <ItemLink item={{ type: 'api_key', id: license.id, label: 'Deploy bot' }} />,
    );
    await screen.findByText('Deploy bot');
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });
});
