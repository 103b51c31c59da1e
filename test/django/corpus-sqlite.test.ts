import { describeEachDjango } from "../../testkit/django-matrix.js";
import { corpusSuite } from "./corpus-suite.js";

describeEachDjango("the corpus on SQLite", (python, version) => corpusSuite(python, version, "sqlite"));
