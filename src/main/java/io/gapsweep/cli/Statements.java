package io.gapsweep.cli;

import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import scala.collection.JavaConverters;

/** What {@code gapsweep sql} needs to know about a statement before it runs it. */
final class Statements {

  /**
   * Functions that call arbitrary static Java methods; a "read-only" query must not reach them.
   */
  private static final Set<String> REFLECTION = Set.of("reflect", "java_method", "try_reflect");

  private Statements() {}

  /**
   * Number of non-empty statements separated by {@code ;}, ignoring semicolons inside quotes
   * ({@code '...'}, {@code "..."}, {@code `...`}, backslash escapes included) and comments ({@code
   * --} to end of line, {@code /* ... *}{@code /}). Spark's parser would report a second statement
   * as a syntax error at its first word, which does not tell the user what is wrong.
   */
  static int count(String sql) {
    int statements = 0;
    boolean content = false;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'' || c == '"' || c == '`') {
        content = true;
        i++;
        while (i < n && sql.charAt(i) != c) {
          i += (sql.charAt(i) == '\\' && c != '`') ? 2 : 1;
        }
        i++;
      } else if (c == ';') {
        if (content) {
          statements++;
        }
        content = false;
        i++;
      } else {
        content |= !Character.isWhitespace(c);
        i++;
      }
    }
    return content ? statements + 1 : statements;
  }

  /**
   * The name of the first node of a parsed plan that writes, changes the session or runs code (a
   * command such as {@code DropTable} or {@code SetCommand}, an {@code InsertIntoStatement}, a
   * reflection function), or null when the plan only reads. Looks inside CTE definitions and
   * subqueries too.
   */
  static String writer(LogicalPlan plan) {
    if (plan instanceof Command || plan instanceof ParsedStatement) {
      return plan.nodeName();
    }
    for (Expression expression : JavaConverters.seqAsJavaList(plan.expressions())) {
      String found = reflection(expression);
      if (found != null) {
        return found;
      }
    }
    for (LogicalPlan child : JavaConverters.seqAsJavaList(plan.children())) {
      String found = writer(child);
      if (found != null) {
        return found;
      }
    }
    for (LogicalPlan subquery : JavaConverters.seqAsJavaList(plan.subqueries())) {
      String found = writer(subquery);
      if (found != null) {
        return found;
      }
    }
    // CTE definitions of WITH are inner children, not children.
    for (QueryPlan<?> inner : JavaConverters.seqAsJavaList(plan.innerChildren())) {
      if (inner instanceof LogicalPlan logical) {
        String found = writer(logical);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static String reflection(Expression expression) {
    if (expression instanceof UnresolvedFunction function) {
      String name = function.nameParts().last().toLowerCase(Locale.ROOT);
      if (REFLECTION.contains(name)) {
        return "function " + name;
      }
    }
    for (Expression child : JavaConverters.seqAsJavaList(expression.children())) {
      String found = reflection(child);
      if (found != null) {
        return found;
      }
    }
    return null;
  }
}
