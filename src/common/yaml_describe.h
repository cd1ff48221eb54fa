// common/yaml_describe.h: how a YAML value is named in error messages ("a list", "\"abc\""),
// shared by every loader of YAML (configuration, IVR flows) so their messages read alike.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace hotline {

inline std::string DescribeYamlNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return "\"" + node.Scalar() + "\"";
    default:
      return "nothing";
  }
}

}  // namespace hotline
