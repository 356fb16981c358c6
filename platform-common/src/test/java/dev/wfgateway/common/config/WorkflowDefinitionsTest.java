package dev.wfgateway.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading DESIGN.md section 7b: groups, conditions, mapped inputs, compensations, versions, and every problem named. */
class WorkflowDefinitionsTest {

  private static JsonObject call(String name) {
    return new JsonObject().put("name", name).put("eventbus", new JsonObject().put("address", "svc." + name));
  }

  private static JsonObject group(String name, JsonObject... branches) {
    return new JsonObject().put("name", name).put("parallel", new JsonArray(List.of((Object[]) branches)));
  }

  private static JsonObject when(String pointer, Object equalTo) {
    return new JsonObject().put("pointer", pointer).put("equals", equalTo);
  }

  private static JsonObject config(JsonObject... steps) {
    return new JsonObject().put("workflows", new JsonObject().put("order", new JsonObject()
        .put("steps", new JsonArray(List.of((Object[]) steps)))));
  }

  private static WorkflowDefinition order(JsonObject config) {
    return PlatformConfig.fromJson(config).workflows().get("order");
  }

  private static String problems(JsonObject config) {
    try {
      PlatformConfig.fromJson(config);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("the configuration was accepted");
  }

  @Test
  void readsTheDesignExample() {
    JsonObject reserve = call("reserve").put("compensate", new JsonObject().put("http",
        new JsonObject().put("method", "POST").put("url", "http://inventory/release")));
    JsonObject checks = group("checks", call("fraud"), call("credit"));
    JsonObject bonus = call("bonus").put("when", when("/input/tier", "gold"));
    JsonObject notify = call("notify").put("input", new JsonObject().put("orderId", "/input/orderId")
        .put("fraud", "/steps/fraud/score").put("channel", new JsonObject().put("pointer", "/input/channel")
            .put("default", "email")));
    JsonObject config = config(reserve, checks, bonus, notify);
    config.getJsonObject("workflows").getJsonObject("order").put("version", "7");

    WorkflowDefinition order = order(config);

    assertThat(order.version()).isEqualTo("7");
    assertThat(order.steps()).extracting(StepDefinition::parallel).containsExactly(false, true, false, false);
    assertThat(order.steps().get(0).compensate().circuitBreaker()).isEqualTo("http:inventory:80");
    assertThat(order.steps().get(1).branches()).extracting(StepDefinition::name).containsExactly("fraud", "credit");
    assertThat(order.calls().map(StepDefinition::name)).containsExactly("reserve", "fraud", "credit", "bonus", "notify");
    JsonObject scope = new JsonObject().put("input", new JsonObject().put("tier", "gold").put("orderId", "o-1"))
        .put("steps", new JsonObject().put("fraud", new JsonObject().put("score", 3)));
    assertThat(order.steps().get(2).when().holds(scope)).isTrue();
    assertThat(order.steps().get(3).input().build(scope))
        .isEqualTo(new JsonObject().put("orderId", "o-1").put("fraud", 3).put("channel", "email"));
  }

  @Test
  void theDefaultVersionIsAHashThatIgnoresKeyOrderButNotContent() {
    JsonObject a = config(call("a"), call("b"));
    JsonObject reordered = config(new JsonObject().put("eventbus", new JsonObject().put("address", "svc.a"))
        .put("name", "a"), call("b"));
    JsonObject changed = config(call("a"), call("c"));

    assertThat(order(a).version()).matches("[0-9a-f]{12}").isEqualTo(order(reordered).version());
    assertThat(order(changed).version()).isNotEqualTo(order(a).version());
  }

  @Test
  void conditionsCompareJsonValuesAndTellPresenceFromAbsence() {
    StepCondition one = new StepCondition("/input/n", 1, null);
    StepCondition present = new StepCondition("/input/flag", null, true);
    StepCondition absent = new StepCondition("/input/flag", null, false);
    JsonObject scope = new JsonObject().put("input", new JsonObject().put("n", 1.0).put("flag", false));

    assertThat(one.holds(scope)).as("1 equals 1.0").isTrue();
    assertThat(present.holds(scope)).as("false is present").isTrue();
    assertThat(absent.holds(new JsonObject().put("input", new JsonObject()))).isTrue();
    assertThat(new StepCondition("/input/n", "1", null).holds(scope)).as("a string is not a number").isFalse();
  }

  @Test
  void aMissingValueWithoutDefaultNamesItsPointer() {
    StepInput input = new StepInput(java.util.Map.of("id", new StepInput.Field("/input/items/3/id", false, null)));

    assertThatThrownBy(() -> input.build(new JsonObject().put("input", new JsonObject())))
        .isInstanceOf(StepInput.MissingValue.class).hasMessageContaining("'id'").hasMessageContaining("/input/items/3/id");
  }

  @Test
  void namesEveryProblemOfADefinitionAtOnce() {
    JsonObject config = config(
        call("a").put("when", when("/steps/b/ok", true)),
        call("b").put("input", new JsonObject().put("x", "/steps/b/y")),
        group("g", call("c").put("when", when("/steps/d/ok", true)), call("d"), call("a")),
        new JsonObject().put("name", "e").put("grpc", new JsonObject()),
        call("f").put("input", new JsonObject().put("x", "/steps/g").put("y", "input/x").put("z", "/steps/nope")),
        group("h", group("inner", call("i"))).put("retry", "fast"),
        call("j").put("when", new JsonObject().put("pointer", "/input/x")));

    String problems = problems(config);

    assertThat(problems)
        .contains("steps[0].when.pointer: '/steps/b/ok' reads step 'b', which comes later and has not run yet")
        .contains("steps[1].input.x: '/steps/b/y' reads the step's own output")
        .contains("steps[2].parallel[0].when.pointer: '/steps/d/ok' reads branch 'd' of the same parallel group")
        .contains("duplicate step name 'a' (branches of parallel groups included)")
        .contains("steps[3]: a step needs exactly one of 'http', 'eventbus' or 'parallel'")
        .contains("steps[3].grpc: unknown key")
        .contains("steps[4].input.x: '/steps/g' names the parallel group 'g': point at one of its branches")
        .contains("steps[4].input.y: 'input/x' is not a JSON Pointer into {input, steps}")
        .contains("steps[4].input.z: '/steps/nope' reads step 'nope', which this workflow does not have")
        .contains("steps[5].parallel[0].parallel: a parallel branch cannot hold a parallel group of its own")
        .contains("steps[5].retry: a parallel group has no 'retry' of its own")
        .contains("steps[6].when: needs exactly one of 'equals' or 'exists'");
  }

  @Test
  void aCompensationNeedsExactlyOneTarget() {
    JsonObject config = config(call("a").put("compensate", new JsonObject()));

    assertThat(problems(config)).contains("steps[0].compensate: a compensation needs exactly one of 'http' or 'eventbus'");
  }
}
