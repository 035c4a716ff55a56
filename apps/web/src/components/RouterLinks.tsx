import {
  Anchor,
  type AnchorProps,
  Button,
  type ButtonProps,
  NavLink,
  type NavLinkProps,
} from '@mantine/core';
import { createLink, type LinkComponent } from '@tanstack/react-router';
import { forwardRef, type AnchorHTMLAttributes } from 'react';

type AnchorAttrs = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'color' | 'style'>;

const NavLinkAnchor = forwardRef<HTMLAnchorElement, NavLinkProps & AnchorAttrs>((props, ref) => (
  <NavLink component="a" ref={ref} {...props} />
));
NavLinkAnchor.displayName = 'NavLinkAnchor';

const PlainAnchor = forwardRef<HTMLAnchorElement, AnchorProps & AnchorAttrs>((props, ref) => (
  <Anchor component="a" ref={ref} {...props} />
));
PlainAnchor.displayName = 'PlainAnchor';

const ButtonAnchor = forwardRef<HTMLAnchorElement, ButtonProps & AnchorAttrs>((props, ref) => (
  <Button component="a" ref={ref} {...props} />
));
ButtonAnchor.displayName = 'ButtonAnchor';

const CreatedNavLink = createLink(NavLinkAnchor);
const CreatedAnchor = createLink(PlainAnchor);
const CreatedButton = createLink(ButtonAnchor);

/** A Mantine NavLink that routes, marked active when its route matches. */
export const RouterNavLink: LinkComponent<typeof NavLinkAnchor> = (props) => (
  <CreatedNavLink preload="intent" activeProps={{ active: true }} {...props} />
);

/** A Mantine Anchor that routes. */
export const RouterAnchor: LinkComponent<typeof PlainAnchor> = (props) => (
  <CreatedAnchor {...props} />
);

/** A Mantine Button that routes. */
export const RouterButton: LinkComponent<typeof ButtonAnchor> = (props) => (
  <CreatedButton {...props} />
);
