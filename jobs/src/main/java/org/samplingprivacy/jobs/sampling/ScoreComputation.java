package org.samplingprivacy.jobs.sampling;

import java.util.List;
import org.samplingprivacy.jobs.runner.JobContext;

/**
 * The sampling scores of {@code --method} (docs/design/sensitivity-sampling.md §2): leverage τ_i
 * from the Gram matrix's inverse form (optionally JL-projected), τ_i^{p/2}, ℓp Lewis weights by the
 * fixed-point iteration (Cohen &amp; Peng), the sensitivity bound from them, or the mixed score.
 */
final class ScoreComputation {
  private ScoreComputation() {}

  /** The options that choose and tune the scores. */
  record Settings(
      String method, double p, int jlDimension, double lewisTolerance, int lewisMaxIterations) {}

  static Scores compute(
      JobContext ctx,
      Settings settings,
      java.util.function.Function<MatrixPass.Visitor, MatrixPass.Acc> pass,
      MatrixPass.Acc gram,
      long n,
      List<Double> steps,
      List<Double> sums) {
    java.util.function.Function<InverseForm, InverseForm> form =
        settings.jlDimension() > 0
            ? f -> f.projected(settings.jlDimension(), ctx.seed())
            : java.util.function.Function.identity();
    InverseForm q0 = form.apply(InverseForm.of(gram.gram()));
    ctx.report()
        .metric("factorization", q0.method())
        .metric("rank", q0.rank())
        .metric("jl_dimension", settings.jlDimension());
    return switch (settings.method()) {
      case "uniform" -> Scores.uniform(n);
      case "leverage" -> Scores.leverage(q0);
      case "root-leverage" -> {
        double pp = settings.p();
        double total =
            pass.apply((a, acc) -> acc.add(Math.pow(Math.min(1, q0.apply(a)), pp / 2))).sum();
        yield Scores.rootLeverage(q0, settings.p(), total);
      }
      default -> {
        LewisWeights w =
            LewisWeights.compute(
                settings.p(),
                gram,
                pass,
                settings.lewisTolerance(),
                settings.lewisMaxIterations(),
                steps,
                sums,
                form);
        ctx.report()
            .metric("lewis_iterations", w.iterations())
            .metric(
                "lewis_converged",
                steps.isEmpty() || steps.get(steps.size() - 1) < settings.lewisTolerance());
        Scores sens =
            settings.method().equals("lewis")
                ? Scores.lewis(w)
                : Scores.sensitivity(w, settings.p());
        yield settings.method().equals("mixed")
            ? Scores.mixed(Scores.leverage(q0), Scores.sensitivity(w, settings.p()))
            : sens;
      }
    };
  }
}
