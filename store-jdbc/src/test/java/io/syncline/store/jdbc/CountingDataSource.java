package io.syncline.store.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Wraps a real data source and counts what the driver is asked to do: statement executions (each
 * {@code execute*} call, a batch counting once) and rows added to batches. Not a mock: every call
 * goes to the real database.
 */
final class CountingDataSource {
  final AtomicInteger executions = new AtomicInteger();
  final AtomicInteger batchedRows = new AtomicInteger();
  final DataSource dataSource;

  CountingDataSource(DataSource real) {
    this.dataSource =
        proxy(
            DataSource.class,
            real,
            (m, result) ->
                m.getName().equals("getConnection")
                    ? proxy(Connection.class, result, this::wrapStatements)
                    : result);
  }

  private Object wrapStatements(Method m, Object result) {
    if (result instanceof PreparedStatement) {
      return proxy(PreparedStatement.class, result, this::count);
    }
    if (result instanceof Statement) {
      return proxy(Statement.class, result, this::count);
    }
    return result;
  }

  private Object count(Method m, Object result) {
    if (m.getName().startsWith("execute")) {
      executions.incrementAndGet();
    } else if (m.getName().equals("addBatch")) {
      batchedRows.incrementAndGet();
    }
    return result;
  }

  private interface After {
    Object apply(Method m, Object result);
  }

  private static <T> T proxy(Class<T> type, Object target, After after) {
    InvocationHandler h =
        (p, m, args) -> {
          try {
            return after.apply(m, m.invoke(target, args));
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }
}
