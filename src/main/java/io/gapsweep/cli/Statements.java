package io.gapsweep.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedInlineTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedSubqueryColumnAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTVFAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Deduplicate;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Except;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Intersect;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LateralJoin;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Offset;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Pivot;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Repartition;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.Sample;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.Tail;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.Unpivot;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedHint;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.logical.WithWindowDefinition;
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
   * Parsed plan nodes a query may consist of: they read, combine and shape rows and cannot write,
   * change the session or run code. An allow-list, so that a statement Spark adds later is refused
   * until someone has looked at it. {@code UnresolvedTableValuedFunction} covers Spark 3.5's
   * built-in generators ({@code range}, {@code explode}, {@code stack} ...); temporary and
   * persistent functions cannot exist because every statement that creates one is refused.
   */
  private static final Set<Class<?>> QUERY_NODES =
      Set.of(
          Project.class,
          Filter.class,
          Aggregate.class,
          Join.class,
          LateralJoin.class,
          Sort.class,
          GlobalLimit.class,
          LocalLimit.class,
          Offset.class,
          Tail.class,
          Union.class,
          Intersect.class,
          Except.class,
          Distinct.class,
          Deduplicate.class,
          SubqueryAlias.class,
          UnresolvedWith.class,
          UnresolvedRelation.class,
          UnresolvedInlineTable.class,
          UnresolvedSubqueryColumnAliases.class,
          UnresolvedTVFAliases.class,
          UnresolvedTableValuedFunction.class,
          LocalRelation.class,
          OneRowRelation.class,
          Window.class,
          WithWindowDefinition.class,
          Generate.class,
          Pivot.class,
          Unpivot.class,
          Sample.class,
          Repartition.class,
          RepartitionByExpression.class,
          UnresolvedHint.class);

  /**
   * The name of the first node of a parsed plan that is not a plain query (a command such as
   * {@code DropTable} or {@code SetCommand}, an {@code InsertIntoDir}, a {@code
   * ScriptTransformation}, a reflection function), or null when every node is on the allow-list.
   * Looks inside CTE definitions and subqueries too.
   */
  static String writer(LogicalPlan plan) {
    if (!QUERY_NODES.contains(plan.getClass())) {
      // A Scala case object's class name ends in $ (ClearCacheCommand$).
      return plan.nodeName().replaceAll("\\$$", "");
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

  /**
   * The first table name with more than one part ({@code parquet.`/etc`}, {@code
   * global_temp.x}), as written, or null. The sweep's tables, views and a query's own CTEs all
   * have one-part names; a qualified name reaches files or other catalogs.
   */
  static String qualifiedRelation(LogicalPlan plan) {
    if (plan instanceof UnresolvedRelation relation && relation.multipartIdentifier().size() > 1) {
      return relation.tableName();
    }
    List<LogicalPlan> plans = new ArrayList<>(JavaConverters.seqAsJavaList(plan.children()));
    plans.addAll(JavaConverters.seqAsJavaList(plan.subqueries()));
    for (QueryPlan<?> inner : JavaConverters.seqAsJavaList(plan.innerChildren())) {
      if (inner instanceof LogicalPlan logical) {
        plans.add(logical);
      }
    }
    for (LogicalPlan next : plans) {
      String found = qualifiedRelation(next);
      if (found != null) {
        return found;
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
