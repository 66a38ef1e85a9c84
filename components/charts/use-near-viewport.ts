'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * Below-the-fold charts: `near` turns true once the element comes within `rootMargin` of the viewport, so recharts
 * is fetched only then. The caller gives the element a fixed height so nothing moves when the chart arrives.
 */
export function useNearViewport<T extends HTMLElement = HTMLDivElement>(eager = false, rootMargin = '300px 0px') {
  const ref = useRef<T>(null);
  const [near, setNear] = useState(eager);
  useEffect(() => {
    const el = ref.current;
    if (near || !el) return;
    if (typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin });
    io.observe(el);
    return () => io.disconnect();
  }, [near, rootMargin]);
  return { ref, near };
}
