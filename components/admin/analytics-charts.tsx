'use client';

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

// Charts only: every figure is also in the server-rendered table below each chart.

const COLORS = { usd: '#2563eb', gbp: '#16a34a', a: '#4f46e5', b: '#059669', c: '#dc2626' };
const HEIGHT = 260;

export interface RevenuePoint {
  date: string;
  [currency: string]: number | string;
}

/** Net revenue per day, one line per currency, in major units of each. */
export function RevenueChart({ data, currencies }: { data: RevenuePoint[]; currencies: string[] }) {
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="date" tick={{ fontSize: 11 }} minTickGap={24} />
        <YAxis tick={{ fontSize: 11 }} />
        <Tooltip />
        <Legend />
        {currencies.map((c) => (
          <Line
            key={c}
            type="monotone"
            dataKey={c}
            name={`Net revenue (${c.toUpperCase()})`}
            stroke={COLORS[c as 'usd' | 'gbp'] ?? COLORS.a}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

export interface GroupedPoint {
  label: string;
  [series: string]: number | string;
}

/** Bars per category, one bar per series (purchases per currency, funnel steps, trials). */
export function GroupedBarChart({ data, series }: { data: GroupedPoint[]; series: { key: string; name: string }[] }) {
  const palette = [COLORS.a, COLORS.b, COLORS.c];
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="label" tick={{ fontSize: 11 }} interval={0} angle={-20} textAnchor="end" height={56} />
        <YAxis tick={{ fontSize: 11 }} allowDecimals={false} />
        <Tooltip />
        <Legend />
        {series.map((s, i) => (
          <Bar key={s.key} dataKey={s.key} name={s.name} fill={palette[i % palette.length]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Credits granted, spent and expired per day. */
export function CreditsChart({ data }: { data: { date: string; granted: number; spent: number; expired: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="date" tick={{ fontSize: 11 }} minTickGap={24} />
        <YAxis tick={{ fontSize: 11 }} allowDecimals={false} />
        <Tooltip />
        <Legend />
        <Line
          type="monotone"
          dataKey="granted"
          name="Granted"
          stroke={COLORS.a}
          dot={false}
          isAnimationActive={false}
        />
        <Line type="monotone" dataKey="spent" name="Spent" stroke={COLORS.b} dot={false} isAnimationActive={false} />
        <Line
          type="monotone"
          dataKey="expired"
          name="Expired"
          stroke={COLORS.c}
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}
