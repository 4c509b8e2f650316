/// @brief Names of the kinds of things a figure places on its canvas.
#include "infoplane/report/canvas.h"

namespace infoplane::report {

std::string canvas_kind_name(CanvasItem::Kind kind) {
  switch (kind) {
    case CanvasItem::Kind::title: return "title";
    case CanvasItem::Kind::legend: return "legend";
    case CanvasItem::Kind::label: return "label";
    case CanvasItem::Kind::axis_label: return "axis label";
  }
  return "item";
}

}  // namespace infoplane::report
