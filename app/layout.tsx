import type { Metadata } from 'next';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Perfdeck', template: '%s · Perfdeck' },
  description: 'Self-hosted performance console',
};

// System fonts only: nothing to download, no layout shift when a web font swaps in.
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
