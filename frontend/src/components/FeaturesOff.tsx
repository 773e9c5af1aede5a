import type { FeatureOff } from '../api'
import './FeaturesOff.css'

/** FeaturesOff lists the features that are off, each with the backend's
 * reason, so nothing goes missing without an explanation. It renders
 * nothing when everything works. */
export function FeaturesOff({ off }: { off: FeatureOff[] | undefined }) {
  if (!off || off.length === 0) return null
  return (
    <section className="features-off" role="alert" aria-label="Features that are off" data-testid="features-off">
      <ul>
        {off.map((f) => (
          <li key={f.feature}>
            <strong>{f.feature}: off.</strong> {f.reason}
          </li>
        ))}
      </ul>
    </section>
  )
}
